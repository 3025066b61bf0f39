"""The everyday-words glossary (rag/resources/colloquial.txt): a resident's word leads to the documents' term."""
from pathlib import Path

from rag.text.text_match import colloquial_glossary, expand, normalise, synonyms_of, tokenize

CORPUS = Path(__file__).resolve().parents[3] / "docs"


def test_every_policy_term_is_the_documents_own_word():
    text = normalise("".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")))
    missing = [term for term, _ in colloquial_glossary() if term not in text]
    assert not missing, missing


def test_an_everyday_expression_brings_the_documents_term_into_the_query():
    q = normalise("家里水管子老漏、下水道三天两头堵，石景山改好的有多少了")
    assert "上下水" in expand(q, tokenize(q))
    q = normalise("俺家原先住那种低矮破平房")
    assert "棚户区" in expand(q, tokenize(q))


def test_only_the_expression_itself_or_its_spoken_form_maps_not_one_word_of_it():
    assert "上下水" in synonyms_of("下水道")
    assert "燃气" in synonyms_of("煤气")
    # 补偿 is beside the head of 搬迁补偿, 电话 is not what 电话线 names: neither is a way of saying the term
    assert "搬迁" not in synonyms_of("补偿")
    assert "通信" not in synonyms_of("电话")


def test_one_way_only_the_documents_term_adds_no_everyday_words():
    q = normalise("石景山燃气管线改造了多少")
    assert "煤气" not in expand(q, tokenize(q))


def test_an_everyday_expression_is_heard_with_its_words_apart_in_order():
    from rag.text.text_match import heard

    assert heard("物业打分", "石景山的物业干得好不好有没有人给打分排名")
    assert not heard("物业打分", "打分的是物业吗")  # not in their order
    assert heard("下不了楼", "老人下不了楼咋整")
    assert not heard("下雨淹", "下雨天小区会不会被水淹")  # one-character words are not looked for apart


def test_an_expression_with_a_long_word_is_heard_apart_by_its_words_not_their_pieces():
    from rag.text.text_match import glossed_words, heard, said_for

    # the search cut gives 电瓶 | 电瓶车 | 充电: 电瓶车 must not be looked for after 电瓶
    q = normalise("永红老小区电瓶车没地儿充电咋办")
    assert heard("电瓶车充电", q) and "充电桩" in said_for(q)
    assert {"电瓶车", "充电"} <= glossed_words(q)


def test_a_member_of_several_words_is_said_by_its_head_not_its_modifier():
    # 人才公寓 (in 租房's group) says 公寓, not 人才: 人才 is in every 青年人才 sentence
    assert "人才" not in synonyms_of("租房") and {"公寓", "人才公寓"} <= synonyms_of("租房")
