"""The residents' side of the conversation log (rag/ui/chat_history.py) over a real SQLite store and
real answers from the shipped documents."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from rag.conversations.record import ExchangeRecord, exchange_from_answer
from rag.conversations.store import ConversationStore
from rag.ui import chat_history as ch

SESSION = "0123456789abcdef0123456789abcdef"


@pytest.fixture()
def store(tmp_path):
    s = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    yield s
    s.close()


@pytest.fixture(scope="module")
def answers(seed_settings, searcher):
    from rag.answering.answer_service import AnswerService

    service = AnswerService(seed_settings, searcher=searcher)
    return [service.ask("石景山老楼加梯竣工总量是多少部？"), service.ask("上海静安区加装电梯每户补贴多少？")]


@pytest.mark.parametrize("value", [None, "", 42, "../../etc/passwd", "A" * 32, SESSION + "0", "<script>"])
def test_a_session_id_the_browser_sends_is_kept_only_if_it_is_ours(value):
    new = ch.session_id_or_new(value)
    assert new != value and ch.session_id_or_new(new) == new and len(new) == 32


def test_a_reload_restores_the_conversation_as_chat_messages(store, answers, searcher):
    answered, refused = answers
    assert refused.refused and refused.refusal_kind in ch.EXPLAINED_REFUSALS
    ids = [store.record(exchange_from_answer(a, SESSION)) for a in answers]
    store.record(ExchangeRecord("f" * 32, "别人的问题", answer="别人的回答"))
    store.record(ExchangeRecord(SESSION, "<b>粗体</b>问题", answer="资料中没有找到相关内容。", refused=True,
                                refusal_kind="weak", refusal_reason="内部诊断"))
    messages, asked, exchange_ids = ch.restore(store, SESSION)
    assert [m["role"] for m in messages] == ["user", "assistant"] * 3
    assert [t["question"] for t in asked] == [answered.question, refused.question, "<b>粗体</b>问题"]
    assert asked[0]["answer"] == answered.answer and exchange_ids[:2] == ids  # follow-ups can use the answer
    assert messages[0]["content"] == answered.question
    assert 'href="#src-1"' in messages[1]["content"]  # citation markers link as in the live chat
    missing = refused.refusal_reason.split("：", 1)[-1].split("、")
    assert all(messages[3]["content"].count(w) == 1 for w in missing)  # what is missing, said once
    assert messages[4]["content"] == "&lt;b&gt;粗体&lt;/b&gt;问题"  # escaped, never markup
    assert "内部诊断" not in messages[5]["content"]  # a diagnostic reason stays out of the chat
    assert "别人的问题" not in str(messages)
    assert ch.restore(store, "e" * 32) == ([], [], []) and ch.restore(None, SESSION) == ([], [], [])


def test_a_broken_log_gives_an_empty_chat_not_an_error(store):
    store.record(ExchangeRecord(SESSION, "问题"))
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE feedback"))
        conn.execute(text("DROP TABLE exchanges"))
    assert ch.restore(store, SESSION) == ([], [], [])


def test_likes_and_dislikes_with_a_reason_reach_the_right_exchange(store):
    ids = [store.record(ExchangeRecord(SESSION, q, answer="答")) for q in ("第一问", "第二问")] + [None]
    assert ch.record_feedback(store, ids, 1, True) == "谢谢！已记录您的 👍。"
    assert ch.record_feedback(store, ids, 3, "没有回答问题", "我问的是费用") == "谢谢！已记录您的 👎（没有回答问题）。"
    fb = {f["question"]: f for f in store.feedback()}
    assert fb["第一问"]["rating"] == "up"
    assert (fb["第二问"]["rating"], fb["第二问"]["reason"], fb["第二问"]["text"]) == ("down", "没有回答问题", "我问的是费用")
    assert ch.record_feedback(store, ids, 3, False) == "谢谢！已记录您的 👎。"  # a plain 👎 replaces it
    assert ch.record_feedback(store, ids, 1, None) == "已撤回反馈。"
    assert [f["question"] for f in store.feedback()] == ["第二问"]
    assert ch.record_feedback(store, ids, 5, True) == "这条回答没有保存，无法记录反馈。"  # the unrecorded one
    assert ch.record_feedback(store, ids, 99, True) == "这条回答没有保存，无法记录反馈。"
    assert "text" in ch.record_feedback(store, ids, 3, "其他", "长" * 5000)  # the field is named
    assert ch.record_feedback(None, ids, 1, True) == "反馈功能未开启。"


def test_markdown_export_has_every_question_answer_and_source_with_its_passage(store, answers, searcher):
    for a in answers:
        store.record(exchange_from_answer(a, SESSION))
    documents = searcher.snapshot().documents

    def passage(doc_id, start, end):
        return documents[doc_id].text[start:end] if doc_id in documents else None

    md = ch.markdown_export(store.session(SESSION), passage)
    answered, refused = answers
    assert md.startswith("# 城市更新政策问答 · 对话记录") and "共 2 问" in md
    assert f"## 1. {answered.question}" in md and f"## 2. {refused.question}" in md
    assert answered.answer in md and refused.answer in md
    assert all(w in md for w in refused.refusal_reason.split("：", 1)[-1].split("、"))  # what the documents lack
    for c in answered.citations:
        assert f"【{c.n}】{c.hit.chunk.title}（{c.hit.chunk.doc_id}，第 {c.hit.chunk.start}–{c.hit.chunk.end} 字）" in md
        assert "  > " + " ".join(c.hit.chunk.text.split()) in md
    path = ch.write_markdown(md)
    assert path.suffix == ".md" and path.read_text(encoding="utf-8") == md


def test_the_refusal_reason_is_shown_only_when_the_answer_does_not_already_say_it():
    said = ch.reason_to_show("资料中没有找到关于门票的内容。", True, "absent", "资料中没有提到：门票")
    generic = ch.reason_to_show("资料中没有找到相关内容。", True, "absent", "资料中没有提到：门票")
    internal = ch.reason_to_show("资料中没有找到相关内容。", True, "weak", "evidence too weak (coverage 0.1)")
    assert said == "" and generic == "资料中没有提到：门票" and internal == ""
