from rag.evaluation.resident import ResidentQuestion, judge


def test_an_answer_holds_the_fact_only_with_every_key_in_either_script():
    q = ResidentQuestion("r", "石景山装了几部电梯", "number", answer_keys=["173部"])
    assert judge(q, "石景山区：老楼加梯竣工总量达到173部【1】", False)["holds_fact"]
    assert judge(q, "石景山區：老樓加梯竣工總量達到173部【1】", False)["holds_fact"]
    assert not judge(q, "钟楼区：建成使用电梯33台【1】", False)["holds_fact"]
    assert judge(q, "资料中没有找到相关内容。", True)["false_refusal"]


def test_another_places_figure_is_wrong_unless_the_answer_says_it_is_missing():
    q = ResidentQuestion("r", "石景山建成使用电梯多少台", "wrong_place", forbidden_figures=["33台"])
    assert judge(q, "钟楼区：建成使用电梯33台【1】", False)["wrong_place"]
    framed = judge(q, "资料中没有石景山的这个数字；钟楼区的情况是：建成使用电梯33台【1】", False)
    assert framed["correct"] and not framed["wrong_place"]
    assert judge(q, "资料中没有找到相关内容。", True)["correct"]
