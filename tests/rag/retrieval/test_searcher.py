"""Search over the real shipped index: right passages, in either script, via the CLI contract."""
import json
import subprocess
import sys

import pytest

from helpers import ROOT
from rag.text.script import to_simplified, to_traditional
from rag.retrieval.searcher import Filters


def test_lift_question_finds_173_first_in_both_scripts(searcher):
    for q in ["石景山老楼加梯竣工总量是多少部？", "石景山老樓加梯竣工總量是多少部？"]:
        hits = searcher.search(q, k=5).hits
        assert "173部" in hits[0].chunk.text, q


@pytest.mark.parametrize("mode", ["bm25", "hybrid"])
def test_script_transparent_both_ways(searcher, mode):
    # Traditional question → Simplified document (seed 003 is Simplified)
    q_trad = to_traditional("钟楼区既有住宅加装电梯建成使用了多少台？")
    assert "33台" in " ".join(h.chunk.text for h in searcher.search(q_trad, k=3, mode=mode).hits)
    # Simplified question → Traditional document (seed 004 is Traditional)
    q_simp = to_simplified("全國累計新開工改造城鎮老舊小區多少個？")
    assert "22萬個" in " ".join(h.chunk.text for h in searcher.search(q_simp, k=3, mode=mode).hits)


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_each_leg_ranks_the_same_whatever_the_script(searcher, mode):
    for q in ["全國累計新開工改造城鎮老舊小區多少個？", "钟楼区既有住宅加装电梯建成使用了多少台？"]:
        ids = lambda text: [h.chunk.chunk_id for h in searcher.search(text, k=5, mode=mode).hits]  # noqa: E731
        assert ids(to_simplified(q)) == ids(to_traditional(q))


def test_dense_finds_paraphrases_that_share_no_words(searcher):
    hits = searcher.search("下雨小区积水怎么办", k=5, mode="hybrid").hits
    assert any("雨水" in h.chunk.text for h in hits)


def test_filters_narrow_by_region(searcher):
    hits = searcher.search("加装电梯", k=5, filters=Filters(regions=["常州市钟楼区"])).hits
    assert hits and all(h.doc.meta.region == "常州市钟楼区" for h in hits)


def _cli(*args):
    out = subprocess.run([sys.executable, str(ROOT / "app.py"), *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_cli_search_json_contract(seed_index):
    out = json.loads(_cli("search", "石景山老楼加梯竣工总量是多少部？", "--index", str(seed_index), "--k", "3", "--json"))
    assert out["query"] == "石景山老楼加梯竣工总量是多少部？" and len(out["hits"]) == 3
    hit = out["hits"][0]
    for key in ["rank", "score", "doc_id", "source", "title", "text", "start", "end"]:
        assert key in hit
    assert hit["rank"] == 1 and "173部" in hit["text"]


def test_cli_batch_one_line_per_question_in_order(seed_index, tmp_path):
    qfile = tmp_path / "q.jsonl"
    qs = ["石景山老楼加梯竣工总量是多少部？", "钟楼区建成使用电梯多少台", "全国累计新开工改造老旧小区多少个"]
    qfile.write_text("\n".join(json.dumps({"question" if i % 2 else "q": q}, ensure_ascii=False)
                               for i, q in enumerate(qs)), encoding="utf-8")
    lines = _cli("search", "--questions", str(qfile), "--index", str(seed_index)).strip().split("\n")
    assert [json.loads(line)["query"] for line in lines] == qs
