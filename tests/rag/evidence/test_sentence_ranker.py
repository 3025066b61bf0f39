"""The sentence ranker: learned weights over the reader's signals, on the real model and index."""
import pytest

from rag.evidence import sentence_ranker
from rag.evidence.reader import read
from rag.evidence.sentence_ranker import hand_weights, load_model, score, signals
from rag.text.text_match import normalise


def test_a_bare_heading_is_marked_and_a_sentence_is_not():
    assert signals(0.5, 0.5, False, 0.5, 1.0, "以老旧小区改造 绘就乐业永红新图景", "how", False)["heading"] == 1.0
    assert signals(0.5, 0.5, False, 0.5, 1.0, "完善物业奖惩机制。", "how", False)["heading"] == 0.0


def test_a_how_answer_is_marked_by_its_means_and_by_the_problem_it_names():
    means = signals(0.5, 0.5, False, 0.5, 1.0, "将黨建引領、居民協商作為基本工作法,促進居民達成共識", "how", False)
    problem = signals(0.5, 0.5, False, 0.5, 1.0, "社区处直面达成共识难、资金筹措难等问题。", "how", False)
    assert (means["how_means"], means["how_problem"]) == (1.0, 0.0)
    assert problem["how_problem"] == 1.0
    # the cues only speak for the question form they answer
    assert signals(0.5, 0.5, False, 0.5, 1.0, "通过居民协商。", "figure", True)["how_means"] == 0.0


def test_the_hand_weights_are_the_first_readers_sum():
    sig = signals(0.4, 0.6, True, 0.5, 0.8, "甲、乙、丙、丁", "list", True)
    with hand_weights():
        assert score(sig) == pytest.approx(0.45 * 0.4 + 0.35 * 0.6 + 0.2 * (0.5 + 0.5 * 0.5) + 0.1 * 0.8 + 0.2 * 1.0)


def test_the_shipped_ranker_scores_a_probability():
    model = load_model()
    assert model["features"] == sentence_ranker.FEATURES and len(model["coef"]) == len(model["features"])
    assert 0.0 < score(signals(0.5, 0.5, True, 1.0, 1.0, "惠及14200余户居民。", "figure", True)) < 1.0


def test_a_how_question_is_answered_by_the_method_not_a_slogan(searcher):
    # 先改啥后改啥，怎么定: the answer is 先体检再改造; the hand-set weights put "老旧小区改造,是民生工程,也是民心工程"
    # first (the slogan shares the most words). A question of resident set 7, which trains the ranker.
    q = "老小區改造到底先改啥後改啥，怎麼定？"
    result = searcher.search(q)

    def first():
        reading = read(q, result.hits, searcher.snapshot(), result.query_vector, searcher.embedder)
        return normalise(reading.on_place()[0].text)
    with hand_weights():
        assert "先体检再改造" not in first()
    assert "先体检再改造" in first()
