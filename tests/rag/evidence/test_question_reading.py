"""What frames a question and when a sentence states its facts (pure text rules, no index needed)."""
from rag.evidence.question_parse import deictic_words, frames_question, pos_words
from rag.evidence.reader import stated_years


def test_scope_demonstratives_and_perfective_tails_frame_the_question():
    assert frames_question("整个", "b")  # 整个钟楼区呢: the scope, not what is asked about
    assert frames_question("那条", "mq")  # 模式口那条街: a demonstrative with its classifier
    assert frames_question("好了没", "i")  # 空气变好了没
    assert not frames_question("全市", "n")  # 在全市第一个搞样板楼 names the documents' 全市首推
    assert not frames_question("三条", "mq")  # a count is no demonstrative
    assert frames_question("听说", "v")  # 听说麻峪村要搬了: where the asker heard it, not what is asked
    assert frames_question("据说", "v")


def test_a_comparison_base_is_not_the_year_a_fact_is_stated_for():
    assert stated_years("pct专利申请量412件、较2020年增长15倍") == []
    assert stated_years("2024年较2020年下降5.9微克/立方米") == ["2024"]
    assert stated_years("石景山的pm2.5跟2020年比降了多少") == []
    assert stated_years("2020年,高精尖产业收入2069.5亿元,同比增长16.3%") == ["2020"]


def test_a_demonstrative_with_a_locative_classifier_points_at_the_named_place():
    assert deictic_words(pos_words("永红那块儿电梯装了几部")) == {"块儿"}
    assert deictic_words(pos_words("一块儿去看看")) == set()  # no demonstrative: 一块儿 is "together"


def test_a_count_of_money_is_asked_as_an_amount_and_free_use_is_no_fee():
    from rag.evidence.asked_type import asked_types

    assert [k.name for k in asked_types("景贤计划每年设置多少人才发展专项资金")] == ["金额"]
    assert [k.name for k in asked_types("有多少个项目获得资金")] == ["数量"]
    assert "金额" not in [k.name for k in asked_types("办公的地方能免费用多久")]


def test_an_a_not_a_question_asks_about_its_verb():
    from rag.evidence.question_parse import a_not_a

    assert a_not_a("衙门口那片棚户区到底还改不改啊") == [("改", {"改不改", "不改", "改不"})]
    assert a_not_a("那两个园子进没进名单") == [("进", {"进没进", "没进", "进没"})]
    # verbs of being and judging only frame a yes/no question
    assert a_not_a("小区改造是不是先体检") == [] and a_not_a("永红那个步道算不算网红打卡地") == []
