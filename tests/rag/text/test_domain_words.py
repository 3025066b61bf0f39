"""The domain's own words stay whole in the tokenizer (jieba's dictionary would cut them up)."""
from rag.text.text_match import tokenize


def test_the_documents_short_word_for_old_estate_renewal_is_one_token():
    assert "旧改" in tokenize("永红片区旧改项目入选“2023年中国人居环境范例奖”")  # not 旧|改
    assert "加梯" in tokenize("老楼加梯竣工总量达到173部")
