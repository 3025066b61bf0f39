"""洞察 tab (staff only): usage charts, the most asked questions, knowledge gaps with "add to eval set",
CSV export, and "delete all before date". Every handler calls `authorise(request)` first, whatever
path the request takes; the caller passes the server's staff-session check (it raises when the
request is not a signed-in staff member). Question text is HTML-escaped wherever it is shown."""
from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import gradio as gr

from rag.conversations.times import parse_day
from rag.insights.csv_export import conversations_csv, feedback_csv
from rag.insights.eval_items import KINDS, EvalItemError, add_eval_item
from rag.insights.plots import all_plots
from rag.insights.report import Insights
from rag.insights.text_report import fmt_ms, fmt_rate

DEFAULT_DAYS = 30
CARD_STYLE = "border:1px solid #ddd;border-radius:8px;padding:8px 12px;margin:8px 0"
CHART_TITLES = ["每日提问数", "每日拒答率与好评/差评比例", "每日回答耗时", "知识缺口（按主题）"]


def summary_markdown(report: dict) -> str:
    t = report["totals"]
    rows = ["| 指标 | 值 |", "|---|---|", f"| 提问数 | {t['questions']} |", f"| 会话数 | {t['sessions']} |",
            f"| 拒答率 | {fmt_rate(t['refusal_rate'])}（{t['refused']} 次） |",
            f"| 好评 / 差评 | {t['up']} / {t['down']}（好评率 {fmt_rate(t['up_rate'])}，差评率 "
            f"{fmt_rate(t['down_rate'])}） |",
            f"| 回答耗时 p50 / p95 | {fmt_ms(t['answer_p50_ms'])} / {fmt_ms(t['answer_p95_ms'])} |",
            f"| 对话记录写入失败 | {t['write_failures']} |"]
    return f"统计范围：{report['since'] or '全部'} 起（{report['timezone']}）\n\n" + "\n".join(rows)


def gaps_html(report: dict) -> str:
    if not report["gaps"]:
        return '<div class="gaps-empty">这段时间没有拒答或被点差评的问题。</div>'
    cards = []
    for g in report["gaps"]:
        reasons = "，".join(f"{html.escape(k)} {v}" for k, v in g["reasons"].items())
        examples = "".join(f"<li>{html.escape(q)}</li>" for q in g["examples"])
        terms = " · ".join(html.escape(t) for t in g["terms"])
        cards.append(
            f'<div class="gap-card" data-gap="{g["id"]}" style="{CARD_STYLE}"><div class="gap-head">【缺口 {g["id"]}】'
            f'<b class="gap-label">{html.escape(g["central_question"])}</b> '
            f'<span class="gap-terms" style="color:#666">关键词：{terms or "—"}</span></div>'
            f'<div class="gap-meta">{g["size"]} 问：拒答 {g["refused"]}，差评 {g["disliked"]}'
            + (f"（{reasons}）" if reasons else "") + f"</div><ul>{examples}</ul></div>")
    return "".join(cards)


def candidate_choices(report: dict) -> list[tuple[str, str]]:
    """(label, exchange id) for every gap question: the id is all the browser sends back."""
    return [(f"【缺口 {g['id']}】{q['question']}", q["exchange_id"]) for g in report["gaps"] for q in g["questions"]]


def build_insights_tab(insights: Insights, authorise: Callable[[gr.Request], None],
                       eval_items_file: Path | None = None) -> dict:
    """Build the tab's contents inside the caller's `with gr.Tab("洞察"):`. Returns its components."""
    settings = insights.settings
    eval_file = Path(eval_items_file or settings.conversations.eval_items_file)

    def _store():
        if insights.store is None:
            raise gr.Error("对话记录未开启（settings conversations.enabled）")
        return insights.store

    def _since(text: str):
        return parse_day(text, "起始日期") if text and text.strip() else None

    def refresh(since_text: str, request: gr.Request):
        authorise(request)
        _store()
        try:
            report = insights.report(since=_since(since_text))
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        plots = [str(p) for p in all_plots(report, Path(tempfile.mkdtemp(prefix="insights-")))]
        plots += [None] * (len(CHART_TITLES) - len(plots))  # no gaps: no gap chart
        top = [[q["count"], q["question"], q["refused"], "；".join(q["variants"])] for q in report["top_questions"]]
        choices = candidate_choices(report)
        return (summary_markdown(report), *plots, top or [[0, "（没有记录）", 0, ""]], gaps_html(report),
                gr.update(choices=choices, value=choices[0][1] if choices else None))

    def add_to_eval(exchange_id: str, kind: str, gold_answer: str, request: gr.Request):
        authorise(request)
        if not exchange_id:
            return "请先选择一个问题（点“刷新”载入知识缺口）。"
        exchange = _store().exchange(exchange_id)
        if exchange is None:
            return "找不到这条对话记录，可能已被删除。"
        history = []
        if exchange["standalone_question"]:  # a follow-up: the eval replays the questions before it
            earlier = [e for e in _store().session(exchange["session_id"]) if e["created_at"] < exchange["created_at"]]
            history = [e["question"] for e in earlier]
        try:
            item, added = add_eval_item(eval_file, exchange["question"], kind, gold_answer=gold_answer,
                                        history=history, exchange_id=exchange_id)
        except EvalItemError as exc:
            return f"❌ {exc}"
        where = f"`{eval_file.name}`"
        return (f"✅ 已加入评测集 {where}：{html.escape(item['question'])}（{item['kind']}，id {item['id']}）" if added
                else f"评测集 {where} 里已有这个问题（id {item['id']}），没有重复加入。")

    def export_csv(since_text: str, request: gr.Request):
        authorise(request)
        try:
            since = _since(since_text)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        folder = Path(tempfile.mkdtemp(prefix="insights-csv-"))
        store = _store()
        return [str(conversations_csv(store.exchanges(since=since), folder / "conversations.csv")),
                str(feedback_csv(store.feedback(since=since), folder / "feedback.csv"))]

    def delete_before(day_text: str, confirmed: bool, request: gr.Request):
        authorise(request)
        if not confirmed:
            return "请先勾选“确认删除”。"
        try:
            day = parse_day(day_text or "", "删除日期")
        except ValueError as exc:
            return f"❌ {exc}"
        n = _store().delete_before(day)
        return f"已删除 {day.isoformat()} 之前的 {n} 条对话及其反馈。"

    gr.Markdown("居民问了什么、哪些问题资料答不上（拒答或被点差评）。仅工作人员可见。")
    with gr.Row():
        since = gr.Textbox(value=(date.today() - timedelta(days=DEFAULT_DAYS)).isoformat(), label="起始日期（年-月-日，空 = 全部）",
                           elem_id="insights-since", scale=3)
        refresh_btn = gr.Button("刷新", variant="primary", elem_id="insights-refresh", scale=1)
    summary = gr.Markdown(elem_id="insights-summary")
    charts = []
    for row in (CHART_TITLES[:2], CHART_TITLES[2:]):
        with gr.Row(elem_classes=["insights-charts"]):
            for title in row:
                charts.append(gr.Image(type="filepath", label=title, show_label=False, interactive=False,
                                       buttons=["download", "fullscreen"], elem_id=f"insights-chart-{len(charts) + 1}"))
    gr.Markdown("### 最常问的问题（相近问法合并）")
    top = gr.Dataframe(headers=["次数", "问题", "拒答", "其他问法"], interactive=False, wrap=True, elem_id="insights-top")
    gr.Markdown("### 知识缺口：资料答不上的问题，按主题归类")
    gaps = gr.HTML(elem_id="insights-gaps")
    with gr.Accordion("把问题加入评测集", open=True):
        with gr.Row():
            pick = gr.Dropdown(choices=[], label="问题", elem_id="insights-pick", scale=3)
            kind = gr.Dropdown(list(KINDS), value="unanswerable", label="题型", elem_id="insights-kind", scale=1)
        gold = gr.Textbox(label="标准答案（有答案的题型必填；unanswerable 不填）", elem_id="insights-gold")
        add_btn = gr.Button("加入评测集", elem_id="insights-add")
        add_status = gr.Markdown(elem_id="insights-add-status")
    with gr.Accordion("导出与删除", open=False):
        export_btn = gr.Button("导出 CSV（对话与反馈）", elem_id="insights-export")
        files = gr.File(label="CSV 文件", file_count="multiple", interactive=False, elem_id="insights-files")
        with gr.Row():
            cutoff = gr.Textbox(label="删除此日期之前的全部对话（年-月-日）", elem_id="insights-cutoff")
            confirm = gr.Checkbox(label="确认删除（不可恢复）", elem_id="insights-confirm")
            delete_btn = gr.Button("删除", variant="stop", elem_id="insights-delete")
        delete_status = gr.Markdown(elem_id="insights-delete-status")

    refresh_btn.click(refresh, since, [summary, *charts, top, gaps, pick], api_visibility="private")
    add_btn.click(add_to_eval, [pick, kind, gold], add_status, api_visibility="private")
    export_btn.click(export_csv, since, files, api_visibility="private")
    delete_btn.click(delete_before, [cutoff, confirm], delete_status, api_visibility="private")
    return {"since": since, "refresh": refresh_btn, "summary": summary, "charts": charts, "top": top, "gaps": gaps,
            "pick": pick, "kind": kind, "gold": gold, "add": add_btn, "add_status": add_status,
            "export": export_btn, "files": files, "delete": delete_btn, "delete_status": delete_status}
