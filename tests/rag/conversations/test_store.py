"""The conversation log on a real SQLite file and a real PostgreSQL server (see conftest.py)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from helpers import ROOT, make_settings
from rag.conversations.migrate import head_revision
from rag.conversations.models import Base
from rag.conversations.record import ExchangeRecord, exchange_from_answer
from rag.conversations.store import ConversationStore, FeedbackError, store_from_settings
from rag.conversations.times import utc_now


def _rec(question: str, session: str = "a" * 32, **kw) -> ExchangeRecord:
    return ExchangeRecord(session_id=session, question=question, answer=kw.pop("answer", "答【1】"),
                          timings_ms=kw.pop("timings_ms", {"total": 40.0}), **kw)


def _age(store: ConversationStore, exchange_id: str, days: float) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE exchanges SET created_at = :t WHERE id = :i"),
                     {"t": utc_now() - timedelta(days=days), "i": exchange_id})


def test_migrations_build_the_models_schema_and_rerun_as_a_no_op(db_url):
    store = ConversationStore(db_url)
    kept = store.record(_rec("加装电梯要多少钱？"))
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        # the migration and the models agree column for column, index for index
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    assert {"exchanges", "feedback", "alembic_version"} <= set(inspect(store.engine).get_table_names())
    store.close()
    again = ConversationStore(db_url)  # a second start migrates nothing and loses nothing
    assert [e["id"] for e in again.exchanges()] == [kept]
    again.close()


def test_a_real_answer_is_recorded_with_its_citations(db_url, seed_settings, searcher):
    from rag.answering.answer_service import AnswerService
    from rag.retrieval.searcher import Filters

    answer = AnswerService(seed_settings, searcher=searcher).ask("石景山老楼加梯竣工总量是多少部？")
    assert answer.citations and not answer.refused
    store = ConversationStore(db_url)
    rid = store.record(exchange_from_answer(answer, "b" * 32, Filters(regions=["北京"]), searcher.snapshot().version))
    [row] = store.session("b" * 32)
    assert row["id"] == rid and row["question"] == answer.question and row["answer"] == answer.answer
    assert row["refused"] is False and row["backend"] == answer.backend
    assert row["total_ms"] == pytest.approx(answer.timings_ms["total"])
    assert row["filters"] == {"regions": ["北京"]}
    assert row["index_version"] == searcher.snapshot().version
    assert [(c["n"], c["doc_id"], c["start"], c["end"]) for c in row["citations"]] == \
        [(c.n, c.hit.chunk.doc_id, c.hit.chunk.start, c.hit.chunk.end) for c in answer.citations]
    assert store.session("c" * 32) == []
    store.close()


def test_feedback_is_one_vote_per_answer_that_can_change(db_url):
    store = ConversationStore(db_url)
    rid = store.record(_rec("停车费怎么收？"))
    assert store.set_feedback(rid, "up")
    assert store.set_feedback(rid, "down", "引用不对", "引用的是另一个区的文件")
    [fb] = store.feedback()
    assert (fb["exchange_id"], fb["rating"], fb["reason"], fb["text"]) == (rid, "down", "引用不对", "引用的是另一个区的文件")
    assert fb["question"] == "停车费怎么收？"
    assert store.exchanges()[0]["feedback"]["reason"] == "引用不对"
    assert store.set_feedback(rid, None)
    assert store.feedback() == [] and store.exchanges()[0]["feedback"] is None
    store.close()


@pytest.mark.parametrize("args, field", [(("meh",), "rating"), (("down", "太慢了"), "reason"),
                                         (("up", "答案错误"), "reason"), (("down", "其他", "长" * 2001), "text")])
def test_bad_feedback_is_refused_with_a_chinese_message_naming_the_field(tmp_path, args, field):
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    rid = store.record(_rec("问题"))
    with pytest.raises(FeedbackError, match=field):
        store.set_feedback(rid, *args)
    with pytest.raises(FeedbackError, match="找不到"):
        store.set_feedback("0" * 32, "up")
    assert store.feedback() == [] and store.write_failures == 0


def test_personal_identifiers_are_masked_before_storing(db_url):
    store = ConversationStore(db_url)
    rid = store.record(_rec("我叫张三，电话138 1234 5678，身份证11010519491231002X，邮箱zs@example.com，能装电梯吗？"))
    store.set_feedback(rid, "down", "其他", "请打 010-62345678 联系我")
    with store.engine.connect() as conn:  # read the raw rows, not through the store
        question = conn.execute(text("SELECT question FROM exchanges")).scalar()
        note = conn.execute(text("SELECT text FROM feedback")).scalar()
    for secret in ("1234", "11010519491231002X", "zs@example.com", "62345678"):
        assert secret not in question + note
    assert "［手机号］" in question and "［身份证号］" in question and "［邮箱］" in question and "［电话］" in note
    store.close()


def test_delete_before_date_and_retention_take_old_exchanges_with_their_feedback(db_url):
    store = ConversationStore(db_url, retention_days=30)
    old, recent, new = (store.record(_rec(q)) for q in ("旧问题", "上个月的问题", "新问题"))
    for rid in (old, recent, new):
        store.set_feedback(rid, "down", "答案错误")
    _age(store, old, 45)
    _age(store, recent, 10)
    assert store.apply_retention() == 1
    assert [e["question"] for e in store.exchanges()] == ["上个月的问题", "新问题"]
    assert {f["exchange_id"] for f in store.feedback()} == {recent, new}
    # staff "delete all before date": a local date (Asia/Shanghai midnight)
    tomorrow = (datetime.now() + timedelta(days=2)).date()
    assert store.delete_before(tomorrow.isoformat()) == 2
    assert store.exchanges() == [] and store.feedback() == []
    store.close()


def test_since_and_until_select_by_local_day(tmp_path):
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}", timezone="Asia/Shanghai")
    rid = store.record(_rec("问题"))
    with store.engine.begin() as conn:  # 2026-03-01 17:30 UTC is 2026-03-02 01:30 in Shanghai
        conn.execute(text("UPDATE exchanges SET created_at = :t"), {"t": datetime(2026, 3, 1, 17, 30)})
    assert [e["id"] for e in store.exchanges(since="2026-03-02")] == [rid]
    assert store.exchanges(until="2026-03-02") == []
    with pytest.raises(ValueError, match="日期格式不对"):
        store.exchanges(since="3月2日")


def test_a_failed_write_never_raises_and_is_counted_for_readyz(db_url, caplog):
    store = ConversationStore(db_url)
    rid = store.record(_rec("问题一"))
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE feedback"))
        conn.execute(text("DROP TABLE exchanges"))
    assert store.record(_rec("问题二")) is None
    assert store.set_feedback(rid, "up") is False
    health = store.health()
    assert health["write_failures"] == 2 and health["ok"] is True
    assert store.last_error.startswith("feedback: ")  # the latest failure, by kind only (no data, no URL)
    assert "conversation log: record failed" in caplog.text
    store.close()


def test_default_store_is_a_wal_sqlite_file_beside_the_index(tmp_path):
    settings = make_settings(tmp_path / "kb" / "index")
    store = store_from_settings(settings)
    rid = store.record(_rec("问题"))
    path = tmp_path / "kb" / "index.conversations.sqlite3"
    assert path.exists() and not (tmp_path / "kb" / "index").exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT id FROM exchanges").fetchone()[0] == rid
    settings.conversations.enabled = False
    assert store_from_settings(settings) is None


def test_postgres_is_chosen_by_the_url_setting_and_the_password_never_shows(postgres_url, monkeypatch, tmp_path):
    from rag.settings import Settings

    with_password = postgres_url.replace("rqa@", "rqa:s3cret-pw@")  # trust auth: the password is not checked
    monkeypatch.setenv("RQA_CONVERSATIONS__URL", with_password)
    monkeypatch.setenv("RQA_PATHS__INDEX_DIR", str(tmp_path / "index"))
    store = store_from_settings(Settings())
    assert store.engine.dialect.name == "postgresql"
    assert store.record(_rec("问题")) is not None
    assert "s3cret-pw" not in str(store.health()) and "***" in store.health()["database"]
    assert not list(tmp_path.iterdir())  # no SQLite file was made
    store.close()


def test_several_server_processes_starting_at_once_migrate_postgres_once(postgres_url):
    code = "import sys; from rag.conversations.store import ConversationStore; ConversationStore(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", code, postgres_url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs if p.wait(timeout=120) != 0]
    assert errors == []
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    engine.dispose()
