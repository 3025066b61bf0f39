"""The CLI against a real Milvus server (the C++ binary of milvus-lite 2.5.1 on 127.0.0.1, a free port):
the shipped documents ingested, searched and answered; slices of CMRC 2018 and DRCD retrieved with the same
recall as FAISS (the FAISS index copied over with `app.py migrate --to milvus`: same chunks, same vectors)."""
import json
import os
import subprocess
import sys

import pytest

from helpers import DOCS, ROOT, make_settings
from rag.evaluation import public_bench
from rag.evaluation.retrieval_bench import load_squad, paragraph_slice
from rag.ingest.indexer import ingest

PARAGRAPHS = 30  # per public set: about 100 questions each, a bounded test


@pytest.fixture(scope="module")
def milvus_uri():
    from support.milvus_server import TempMilvus

    try:
        server = TempMilvus()
        uri = server.start()
    except (ImportError, RuntimeError, OSError) as exc:
        pytest.skip(f"milvus-lite 2.5.1 cannot start a server here: {exc}")
    yield uri
    server.stop()


def app(*args, store: dict | None = None, timeout=900) -> subprocess.CompletedProcess:
    env = os.environ | {f"RQA_STORE__{k.upper()}": v for k, v in (store or {}).items()}
    out = subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, text=True, env=env,
                         timeout=timeout)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def test_shipped_documents_through_the_cli_on_a_milvus_server(milvus_uri, tmp_path):
    store = {"backend": "milvus", "uri": milvus_uri, "collection": "shipped"}
    out = app("ingest", "--quiet", "--index", str(tmp_path / "idx"), str(DOCS), store=store)
    assert "新增 5" in out.stdout
    assert not (tmp_path / "idx" / "milvus.db").exists()  # a server URI: nothing embedded
    assert "完好" in app("index", "--index", str(tmp_path / "idx"), store=store).stdout

    hits = json.loads(app("search", "石景山老楼加梯竣工总量是多少部？", "--json", "--index", str(tmp_path / "idx"),
                          store=store).stdout)["hits"]
    assert "173" in hits[0]["text"]
    answer = json.loads(app("ask", "石景山老楼加梯竣工总量是多少部？", "--json", "--index", str(tmp_path / "idx"),
                            store=store).stdout)
    assert not answer["refused"] and "173" in answer["answer"] and answer["citations"]
    refused = json.loads(app("ask", "上海静安区加装电梯补贴多少钱？", "--json", "--index", str(tmp_path / "idx"),
                             store=store).stdout)
    assert refused["refused"]  # the evidence check works on the Milvus store (a place the documents never name)

    again = app("ingest", "--quiet", "--index", str(tmp_path / "idx"), str(DOCS), store=store)
    assert "未变 5" in again.stdout and "本次嵌入 0 个" in again.stdout


def _recall(lines: str, gold: list[str], k: int) -> float:
    results = [json.loads(line) for line in lines.splitlines() if line.strip()]
    assert len(results) == len(gold)
    return sum(g in [h["doc_id"] for h in r["hits"][:k]] for r, g in zip(results, gold)) / len(gold)


@pytest.mark.parametrize("dataset", ["cmrc", "drcd"])
def test_public_recall_on_milvus_matches_faiss(milvus_uri, dataset, tmp_path):
    if not public_bench.DATASETS[dataset].exists():
        pytest.skip(f"{public_bench.DATASETS[dataset]} is missing (set RQA_DATASETS_DIR to the datasets folder)")
    paragraphs, queries = paragraph_slice(*load_squad(public_bench.DATASETS[dataset]), PARAGRAPHS)
    docs = tmp_path / "docs"
    docs.mkdir()
    for pid, text in paragraphs.items():
        (docs / f"{pid}.txt").write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    assert not ingest([docs], make_settings(index), index).failed
    store = {"backend": "milvus", "uri": milvus_uri, "collection": f"public_{dataset}"}
    app("migrate", "--to", "milvus", "--index", str(index), store=store)

    questions = tmp_path / "q.jsonl"
    questions.write_text("".join(json.dumps({"q": q.text}, ensure_ascii=False) + "\n" for q in queries),
                         encoding="utf-8")
    gold = [q.gold[0][0] for q in queries]
    figures = {}
    for mode in ("hybrid", "bm25"):  # dense: same vectors, exact search (test_milvus_store checks its ranking)
        for backend, st in (("faiss", None), ("milvus", store)):
            lines = app("search", "--questions", str(questions), "--k", "10", "--mode", mode, "--index", str(index),
                        store=st).stdout
            figures[mode, backend] = (_recall(lines, gold, 5), _recall(lines, gold, 10))
    print(f"\n{dataset}: {len(queries)} questions over {len(paragraphs)} paragraphs, recall@5 / @10")
    for (mode, backend), (r5, r10) in figures.items():
        print(f"  {mode:6s} {backend:6s} {r5:.3f} / {r10:.3f}")
    for k in (0, 1):
        assert abs(figures["hybrid", "milvus"][k] - figures["hybrid", "faiss"][k]) <= 0.01
        assert abs(figures["bm25", "milvus"][k] - figures["bm25", "faiss"][k]) <= 0.02
