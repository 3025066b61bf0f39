"""What frames a question and when a sentence states its facts (pure text rules, no index needed)."""
from rag.evidence.question_parse import frames_question
from rag.evidence.reader import stated_years


def test_scope_demonstratives_and_perfective_tails_frame_the_question():
    assert frames_question("整个", "b")  # 整个钟楼区呢: the scope, not what is asked about
    assert frames_question("那条", "mq")  # 模式口那条街: a demonstrative with its classifier
    assert frames_question("好了没", "i")  # 空气变好了没
    assert not frames_question("全市", "n")  # 在全市第一个搞样板楼 names the documents' 全市首推
    assert not frames_question("三条", "mq")  # a count is no demonstrative


def test_a_comparison_base_is_not_the_year_a_fact_is_stated_for():
    assert stated_years("pct专利申请量412件、较2020年增长15倍") == []
    assert stated_years("2024年较2020年下降5.9微克/立方米") == ["2024"]
    assert stated_years("石景山的pm2.5跟2020年比降了多少") == []
    assert stated_years("2020年,高精尖产业收入2069.5亿元,同比增长16.3%") == ["2020"]
