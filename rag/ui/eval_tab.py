"""评测 tab: run the eval set with a progress bar; show the summary table and plots."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from rag.evaluation.report import write_report
from rag.evaluation.runner import run_eval
from rag.settings import ROOT, Settings

DEFAULT_SET = ROOT / "eval" / "questions.jsonl"
REPORTS = ROOT / "eval" / "reports"


def _summary(result: dict) -> str:
    a = result["answers"]
    rows = ["| 检索方式 | recall@1 | recall@5 | recall@10 | MRR@10 | nDCG@10 |", "|---|---|---|---|---|---|"]
    rows += [f"| {m} | {s['recall@1']:.3f} | {s['recall@5']:.3f} | {s['recall@10']:.3f} | {s['mrr@10']:.3f} | "
             f"{s['ndcg@10']:.3f} |" for m, s in result["retrieval"].items()]
    rows += ["", "| 回答指标 | 值 |", "|---|---|",
             f"| 含标准答案比例 | {a['contains_gold']:.3f} |", f"| 字符级 F1 | {a['char_f1']:.3f} |",
             f"| 引用准确率 | {a['citation_precision']:.3f} |", f"| 引用召回率 | {a['citation_recall']:.3f} |",
             f"| 拒答准确率（无答案问题） | {a['refusal_accuracy']:.3f} |",
             f"| 误拒率（有答案问题） | {a['false_refusal_rate']:.3f} |",
             f"| 总耗时 p50 / p95 (ms) | {a.get('total_p50_ms', 0):.0f} / {a.get('total_p95_ms', 0):.0f} |"]
    return "\n".join(rows)


def build_eval_tab(settings: Settings, index_dir: Path | None) -> None:
    gr.Markdown("用评测问题集跑一遍真实流程（检索 + 回答 + 引用核验 + 拒答），结果写入 `eval/reports/<时间>/`。")
    with gr.Row():
        set_path = gr.Textbox(value=str(DEFAULT_SET), label="问题集（JSONL）", scale=3)
        modes = gr.CheckboxGroup(["bm25", "dense", "hybrid"], value=["bm25", "dense", "hybrid"], label="检索方式")
        limit = gr.Number(value=0, precision=0, label="只跑前 N 题（0 = 全部）")
    run_btn = gr.Button("运行评测", variant="primary", elem_id="eval-run")
    summary = gr.Markdown(elem_id="eval-summary")
    gallery = gr.Gallery(label="图表", columns=3, height=320)

    def run(path, chosen, n, progress=gr.Progress()):
        if not chosen:
            return "请至少选择一种检索方式。", []
        if not Path(path).exists():
            return f"找不到问题集：{path}", []
        result = run_eval(settings, Path(path), index_dir, None, list(chosen), int(n) or None,
                          progress=lambda f, text: progress(f, desc=text[:40]))
        out = write_report(result, REPORTS)
        return _summary(result) + f"\n\n报告：`{out / 'report.md'}`", result["plots"]

    run_btn.click(run, [set_path, modes, limit], [summary, gallery], api_visibility="private")
