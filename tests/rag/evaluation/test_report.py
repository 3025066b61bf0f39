"""The eval report and the 评测 tab's text over real (small) eval runs on the shipped documents:
"—" for a metric with nothing to measure, the knowledge base named, misses listed, Chinese charts."""
from __future__ import annotations

import json
import warnings

import pytest

from helpers import ROOT
from rag.evaluation.report import answer_metrics, knowledge_base_info, write_report
from rag.evaluation.runner import run_eval
from rag.stores.index_store import IndexStore
from rag.ui.eval_tab import _summary, miss_rows

SET = ROOT / "eval" / "questions.jsonl"
ALL = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
UNANSWERABLE = {"unanswerable", "out_of_domain"}


def _run(tmp_path, seed_settings, seed_index, items, name):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in items), encoding="utf-8")
    result = run_eval(seed_settings, path, seed_index, None, ["bm25", "hybrid"])
    result["gold_doc_ids"] = sorted({d for q in items for d in q.get("gold_doc_ids", [])})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = write_report(result, tmp_path / "reports", index_dir=seed_index)
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)]
    assert glyphs == [], "Chinese chart text fell back to a font without CJK glyphs"
    return result, out


def test_a_set_without_unanswerable_questions_shows_a_dash_not_zero(tmp_path, seed_settings, seed_index):
    items = [q for q in ALL if q["kind"] not in UNANSWERABLE][:3]
    result, out = _run(tmp_path, seed_settings, seed_index, items, "answerable")
    assert result["answers"]["refusal_accuracy"] == 0.0  # what the runner computes over no questions ...
    assert answer_metrics(result)["refusal_accuracy"] is None  # ... is shown as missing
    summary = _summary(result)
    assert "拒答准确率（0 道无答案题） | — |" in summary and "0.000" not in summary.split("拒答准确率")[1].split("\n")[0]
    assert "| 含标准答案比例（3 道有答案题） | " in summary and "含标准答案比例（3 道有答案题） | —" not in summary
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| refusal_accuracy | — |" in report
    for png in ("recall_at_k.png", "latency_hist.png", "per_kind.png"):
        assert (out / png).stat().st_size > 5000


def test_a_set_of_only_unanswerable_questions_shows_dashes_for_retrieval(tmp_path, seed_settings, seed_index):
    items = [q for q in ALL if q["kind"] in UNANSWERABLE][:2]
    result, out = _run(tmp_path, seed_settings, seed_index, items, "unanswerable")
    summary = _summary(result)
    assert "| hybrid | — | — | — | — | — |" in summary
    assert "拒答准确率（2 道无答案题） | 1.000 |" in summary and "含标准答案比例（0 道有答案题） | — |" in summary
    assert "| hybrid | — | — | — | — | — | — | — |" in (out / "report.md").read_text(encoding="utf-8")


def test_the_report_names_the_knowledge_base_and_flags_documents_the_set_never_cites(tmp_path, seed_settings,
                                                                                      seed_index):
    items = [q for q in ALL if q["kind"] == "number"][:2]
    result, out = _run(tmp_path, seed_settings, seed_index, items, "kb")
    kb = knowledge_base_info(seed_index)
    assert kb["version"] == IndexStore(seed_index).current_version() and len(kb["documents"]) == 5
    report = (out / "report.md").read_text(encoding="utf-8")
    assert f"索引版本 `{kb['version']}`" in report
    assert all(d["doc_id"] in report for d in kb["documents"])
    uncited = [d["doc_id"] for d in kb["documents"] if d["doc_id"] not in result["gold_doc_ids"]]
    assert uncited and "评测集没有引用的文档" in report and all(f"`{d}`" in report.split("没有引用")[1] for d in uncited)


def test_misses_are_listed_for_the_tab(tmp_path, seed_settings, seed_index):
    good = next(q for q in ALL if q["id"] == "q001")
    wrong_gold = dict(good, id="x1", gold_answer="九百九十九项")  # the system cannot contain this answer
    should_refuse = next(q for q in ALL if q["kind"] == "unanswerable")
    result, _ = _run(tmp_path, seed_settings, seed_index, [good, wrong_gold, should_refuse], "misses")
    rows = miss_rows(result)
    by_id = {r[0]: r for r in rows}
    assert "x1" in by_id and by_id["x1"][4] == "九百九十九项" and by_id["x1"][5] == "答案不含标准答案"
    assert by_id["x1"][2] == good["question"]
    assert "q001" not in by_id


def test_the_tab_builds(seed_settings, seed_index):
    import gradio as gr

    from rag.ui.eval_tab import build_eval_tab

    with gr.Blocks() as demo:
        build_eval_tab(seed_settings, seed_index)
    assert any(getattr(b, "elem_id", None) == "eval-misses" for b in demo.blocks.values())


@pytest.mark.parametrize("value, shown", [(None, "—"), (float("nan"), "—"), (0.0, "0.000"), (0.5, "0.500"), (3, "3")])
def test_fmt(value, shown):
    from rag.evaluation.report import fmt

    assert fmt(value) == shown
