from rag.answering.query_rewriter import needs_rewrite, rewrite_offline


def test_what_about_another_place_swaps_the_place():
    assert rewrite_offline("那钟楼区呢？", ["石景山老楼加梯竣工总量是多少部？"]) == "钟楼区老楼加梯竣工总量是多少部？"
    assert rewrite_offline("那鐘樓區呢？", ["石景山區老樓加梯竣工總量是多少部？"]) == "鐘樓區老樓加梯竣工總量是多少部？"


def test_pronoun_takes_the_previous_subject():
    assert rewrite_offline("它是哪年获评的？", ["金谷花园改造融入了什么理念？"]).startswith("金谷花园")


def test_standalone_questions_are_left_alone():
    q = "钟楼区既有住宅加装电梯建成使用了多少台？"
    assert not needs_rewrite(q, ["别的问题"]) and rewrite_offline(q, ["别的问题"]) == q
    assert rewrite_offline("那钟楼区呢？", []) == "那钟楼区呢？"
