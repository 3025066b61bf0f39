from rag.answering.citation_check import check_answer, support

P = ["石景山区老楼加梯竣工总量达到173部,更新219部住宅老旧电梯。", "钟楼区建成使用电梯33台,申报(在建)电梯19台。"]


def test_supported_sentences_keep_their_citation_and_get_a_quote():
    c = check_answer("老楼加梯竣工总量达到173部【1】。钟楼区建成使用电梯33台[2]。", P)
    assert c.text == "老楼加梯竣工总量达到173部【1】。钟楼区建成使用电梯33台【2】。".replace("【1】。", "。【1】").replace("【2】。", "。【2】") or \
        "【1】" in c.text and "【2】" in c.text
    assert c.used == [0, 1] and not c.dropped
    s, e = c.quotes[0][0]
    assert "173部" in P[0][s:e]


def test_marker_pointing_nowhere_is_removed_and_uncited_sentence_gets_best_passage():
    c = check_answer("钟楼区建成使用电梯33台【7】。", P)
    assert c.text == "钟楼区建成使用电梯33台。【1】" and c.used == [1]


def test_wrong_number_is_dropped():
    c = check_answer("石景山区老楼加梯竣工总量达到999部【1】。钟楼区建成使用电梯33台【2】。", P)
    assert "999" not in c.text and c.dropped == ["石景山区老楼加梯竣工总量达到999部。"]
    assert c.used == [1] and c.text.endswith("【1】")  # renumbered from 2 to 1


def test_unsupported_sentence_is_dropped_and_traditional_is_matched_after_normalisation():
    assert support("老樓加梯竣工總量達到173部", P[0]) > 0.9
    c = check_answer("每户补贴十万元【1】。", P)
    assert c.text == "" and c.dropped


def test_refusal_text_is_recognised():
    assert check_answer("资料中没有找到相关内容。", P).is_refusal
