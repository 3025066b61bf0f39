"""评测 tab: run the eval set with a progress bar; show which knowledge base it ran on, the summary
table ("—" where a metric had nothing to measure), the charts at a readable size and the misses."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from rag.evaluation.report import (
    DASH,
    KIND_NAMES,
    answer_metrics,
    fmt,
    knowledge_base_info,
    knowledge_base_line,
    retrieval_metrics,
    write_report,
)
from rag.evaluation.runner import load_questions, run_eval
from rag.settings import ROOT, Settings

DEFAULT_SET = ROOT / "eval" / "questions.jsonl"
REPORTS = ROOT / "eval" / "reports"
PLOT_TITLES = ["各检索方式的召回率", "回答耗时分布", "按题型的结果"]
MISS_HEADERS = ["编号", "题型", "问题", "系统回答", "标准答案", "问题所在"]


def _ms(value) -> str:
    return DASH if value is None else f"{value:.0f}"


def _summary(result: dict) -> str:
    a = answer_metrics(result)
    rows = ["| 检索方式 | recall@1 | recall@5 | recall@10 | MRR@10 | nDCG@10 |", "|---|---|---|---|---|---|"]
    rows += [f"| {m} | {fmt(s['recall@1'])} | {fmt(s['recall@5'])} | {fmt(s['recall@10'])} | {fmt(s['mrr@10'])} | "
             f"{fmt(s['ndcg@10'])} |" for m, s in retrieval_metrics(result).items()]
    rows += ["", "| 回答指标 | 值 |", "|---|---|",
             f"| 含标准答案比例（{a['n_answerable']} 道有答案题） | {fmt(a['contains_gold'])} |",
             f"| 字符级 F1 | {fmt(a['char_f1'])} |",
             f"| 引用准确率 | {fmt(a['citation_precision'])} |", f"| 引用召回率 | {fmt(a['citation_recall'])} |",
             f"| 拒答准确率（{a['n_unanswerable']} 道无答案题） | {fmt(a['refusal_accuracy'])} |",
             f"| 误拒率（有答案题） | {fmt(a['false_refusal_rate'])} |",
             f"| 总耗时 p50 / p95 (ms) | {_ms(a.get('total_p50_ms'))} / {_ms(a.get('total_p95_ms'))} |"]
    if DASH in "\n".join(rows):
        rows += ["", f"{DASH} 表示这次运行没有可计算该指标的题目（例如问题集里没有无答案题时的拒答准确率）。"]
    return "\n".join(rows)


def miss_rows(result: dict) -> list[list[str]]:
    """Answer misses, then retrieval misses of the main mode (a question in both is listed once)."""
    rows, seen = [], set()
    for m in result["answer_misses"]:
        if m["refused"] and m["kind"] not in ("unanswerable", "out_of_domain"):
            what = "误拒"
        elif not m["refused"] and m["kind"] in ("unanswerable", "out_of_domain"):
            what = "该拒未拒"
        else:
            what = "答案不含标准答案"
        rows.append([m["id"], KIND_NAMES.get(m["kind"], m["kind"]), m["question"],
                     "（拒答）" + m["refusal_reason"] if m["refused"] else m["answer"][:160], m["gold_answer"] or DASH, what])
        seen.add(m["id"])
    questions = {r["id"]: r["question"] for r in result.get("rows", [])}
    for m in result["retrieval_misses"]:
        if m["id"] not in seen:
            rows.append([m["id"], KIND_NAMES.get(m["kind"], m["kind"]), questions.get(m["id"], ""),
                         "前 5 个段落：" + " | ".join(m["retrieved"][:3]), DASH, "检索未命中"])
    return rows


def build_eval_tab(settings: Settings, index_dir: Path | None) -> None:
    index_dir = Path(index_dir or settings.paths.index_dir)
    gr.Markdown("用评测问题集跑一遍真实流程（检索 + 回答 + 引用核验 + 拒答），结果写入 `eval/reports/<时间>/`。")
    with gr.Row():
        set_path = gr.Textbox(value=str(DEFAULT_SET), label="问题集（JSONL）", scale=3)
        modes = gr.CheckboxGroup(["bm25", "dense", "hybrid"], value=["bm25", "dense", "hybrid"], label="检索方式")
        limit = gr.Number(value=0, precision=0, label="只跑前 N 题（0 = 全部）")
    kb_line = gr.Markdown(lambda: "当前" + knowledge_base_line(knowledge_base_info(index_dir)), elem_id="eval-kb")
    run_btn = gr.Button("运行评测", variant="primary", elem_id="eval-run")
    summary = gr.Markdown(elem_id="eval-summary")
    with gr.Row():
        charts = [gr.Image(type="filepath", label=t, show_label=False, interactive=False, buttons=["download", "fullscreen"],
                           elem_id=f"eval-chart-{i}") for i, t in enumerate(PLOT_TITLES, 1)]
    gr.Markdown("### 未答对的题目")
    misses = gr.Dataframe(headers=MISS_HEADERS, interactive=False, wrap=True, elem_id="eval-misses")

    def message(text: str) -> tuple:
        return (text, *[None] * len(charts), [], gr.skip())

    def run(path, chosen, n, progress=gr.Progress()):
        if not chosen:
            return message("请至少选择一种检索方式。")
        if not Path(path).exists():
            return message(f"找不到问题集：{path}")
        try:
            questions = load_questions(Path(path))
        except (ValueError, KeyError) as exc:
            return message(f"问题集 {Path(path).name} 读不了：{exc}")
        result = run_eval(settings, Path(path), index_dir, None, list(chosen), int(n) or None,
                          progress=lambda f, text: progress(f, desc=text[:40]))
        # the run re-indexes docs/ first: name the knowledge base as it was when the questions ran
        result["gold_doc_ids"] = sorted({d for q in questions for d in q.gold_doc_ids})
        out = write_report(result, REPORTS, index_dir=index_dir)
        kb = knowledge_base_line(result["knowledge_base"], set(result["gold_doc_ids"]))
        text = f"本次评测所用{kb}\n\n" + _summary(result) + f"\n\n报告：`{out / 'report.md'}`"
        return (text, *result["plots"], miss_rows(result) or [["", "", "全部答对", "", "", ""]],
                "当前" + knowledge_base_line(result["knowledge_base"]))

    run_btn.click(run, [set_path, modes, limit], [summary, *charts, misses, kb_line], api_visibility="private")
