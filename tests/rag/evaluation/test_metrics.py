import pytest

from rag.evaluation import metrics as M


def test_relevance_is_span_overlap_in_the_same_document():
    gold = [("d1", 100, 120)]
    assert M.relevant_flags([("d1", 0, 100), ("d1", 110, 300), ("d2", 100, 120)], gold) == [False, True, False]


def test_rank_metrics():
    flags = [False, True, False]
    assert M.recall_at(flags, 1) == 0 and M.recall_at(flags, 2) == 1
    assert M.mrr_at(flags) == 0.5
    assert M.ndcg_at([True, False], n_relevant=1) == 1.0
    assert 0 < M.ndcg_at(flags, n_relevant=1) < 1


def test_answer_metrics_normalise_script_and_markers():
    assert M.exact_match("173部【1】", "173部") == 1.0
    assert M.contains_gold("老樓加梯竣工總量達到173部。【1】", "老楼加梯竣工总量达到173部") == 1.0
    assert M.char_f1("達到173部", "达到173部") == 1.0
    assert M.char_f1("完全无关", "173部") == 0.0
    assert M.char_f1("加梯173部", "173部") == pytest.approx(2 * (4 / 6) * 1 / (4 / 6 + 1))


def test_percentile():
    assert M.percentile([1, 2, 3, 4], 0.5) == 2.5 and M.percentile([], 0.5) == 0.0
