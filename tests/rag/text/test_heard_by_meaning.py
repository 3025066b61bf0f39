"""Glossary expressions heard by meaning with the real offline embedding model (rag/text/heard_by_meaning.py),
installed for the session by tests/conftest.py as the answer service installs it."""
from rag.text import heard_by_meaning as meaning
from rag.text.text_match import glossary_heard, normalise, said_for


def test_a_clause_saying_an_expression_in_other_words_is_heard_as_it():
    # 你要东他要西 is no expression of the glossary; 你说东他说西 is (公要馄饨婆要面)
    q = normalise("改小区的时候一家一个想法，你要东他要西，这咋整")
    assert "公要馄饨婆要面" in said_for(q)
    assert ("公要馄饨婆要面", ("你要东他要西",)) in glossary_heard(q)
    # 给小孩弄个待的地方 ~ 给娃待的地儿 (儿童驿站)
    assert "儿童驿站" in said_for(normalise("给小孩弄个待的地方，老小区能弄不"))


def test_short_or_unrelated_clauses_are_not_heard():
    # 有没有人管 sits close to 没人管 without saying who manages what; clauses under six characters are not compared
    assert meaning.clauses(normalise("有没有人管，咋办")) == []
    assert meaning.heard_by_meaning(normalise("首钢园门票多少钱")) == []
    assert meaning.heard_by_meaning(normalise("明天北京下不下雨")) == []


def test_a_literally_heard_term_is_not_heard_twice():
    q = normalise("一下大雨小区就淹，钟楼那边有小区弄好这个了没")
    assert said_for(q).count("海绵城市") == 1


def test_a_question_heard_by_meaning_is_answered_from_the_documents_term(seed_settings, searcher):
    from rag.answering.answer_service import AnswerService

    a = AnswerService(seed_settings, searcher=searcher).ask("改小区的时候一家一个想法，你要东他要西，这咋整")
    assert not a.refused and "问需于民" in a.answer


def test_a_model_that_fails_leaves_hearing_by_characters(caplog):
    # the expressions cannot be embedded: questions are still heard by the glossary's characters, and it is logged
    class Broken:
        model_id = "broken-for-this-test"

        def embed_passages(self, texts):
            raise RuntimeError("model files missing")

    from embeddings import get_embedder
    from rag.settings import Settings

    try:
        meaning.install(Broken())
        meaning._expressions()  # the background warm-up may not have run yet
        q = normalise("家里水管子老漏，你要东他要西")
        assert meaning.heard_by_meaning(q) == []
        assert "上下水" in said_for(q) and "公要馄饨婆要面" not in said_for(q)
        assert "could not be embedded" in caplog.text
    finally:
        meaning.install(get_embedder(Settings().embedding))
        meaning._expressions()
    assert "公要馄饨婆要面" in said_for(normalise("改小区的时候一家一个想法，你要东他要西，这咋整"))
