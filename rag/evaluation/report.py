"""Write an eval run: results.json, report.md and PNG plots in eval/reports/<timestamp>/.

A metric with nothing to measure (refusal accuracy on a set without unanswerable questions) is
shown as "—", never 0.000; charts are in Chinese with a CJK font and legends kept inside the image."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

from rag.charts import pyplot, save
from rag.stores.index_store import IndexStore

from . import metrics as M

DASH = "—"
KIND_NAMES = {"fact": "事实", "number": "数字", "list": "列举", "colloquial": "口语", "traditional": "繁体",
              "followup": "追问", "unanswerable": "无答案", "out_of_domain": "领域外"}
MODE_NAMES = {"bm25": "bm25（词面）", "dense": "dense（向量）", "hybrid": "hybrid（混合）"}
# answer metrics measured on answerable questions / on unanswerable ones
_ON_ANSWERABLE = ("exact_match", "char_f1", "contains_gold", "citation_recall", "false_refusal_rate")
_ON_UNANSWERABLE = ("refusal_accuracy",)


def fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def answer_metrics(result: dict) -> dict:
    """The answers summary with None where the run had nothing to measure it on."""
    a = dict(result["answers"])
    for key in _ON_ANSWERABLE:
        if not a.get("n_answerable"):
            a[key] = None
    for key in _ON_UNANSWERABLE:
        if not a.get("n_unanswerable"):
            a[key] = None
    if not sum(r.get("citation_total", 0) for r in result.get("rows", [])):
        a["citation_precision"] = None  # no answer cited anything
    for key, values in result.get("stage_latencies", {}).items():
        if not values:
            a[f"{key}_p50_ms"] = a[f"{key}_p95_ms"] = None
    return a


def retrieval_metrics(result: dict) -> dict:
    """Per mode; every figure None for a mode that had no answerable question to retrieve for."""
    return {mode: ({k: (None if k != "n" else 0) for k in s} if not s.get("n") else s)
            for mode, s in result["retrieval"].items()}


def knowledge_base_info(index_dir: Path) -> dict:
    """Which knowledge base a run used: index version, documents (id, title), chunks, embedding."""
    manifest = IndexStore(Path(index_dir)).read_manifest() or {}
    docs = manifest.get("documents", {})
    return {"index_dir": str(index_dir), "version": manifest.get("version"), "created": manifest.get("created"),
            "n_chunks": manifest.get("n_chunks"), "embedding": manifest.get("fingerprint", {}).get("model_id"),
            "documents": [{"doc_id": d, "title": v.get("title", "")} for d, v in sorted(docs.items())]}


def knowledge_base_line(kb: dict, gold_doc_ids: set[str] | None = None) -> str:
    """One Markdown paragraph naming the index version and documents; flags documents the set never cites."""
    if not kb or not kb.get("version"):
        return "知识库：（没有索引）"
    names = "；".join(f"{d['title'] or d['doc_id']}（`{d['doc_id']}`）" for d in kb["documents"])
    line = (f"知识库：索引版本 `{kb['version']}`（{kb['created']}，{len(kb['documents'])} 篇文档、{kb['n_chunks']} 个段落，"
            f"向量模型 {kb['embedding']}）。文档：{names}")
    extra = [d["doc_id"] for d in kb["documents"] if gold_doc_ids is not None and d["doc_id"] not in gold_doc_ids]
    if gold_doc_ids and extra:
        line += (f"\n\n⚠️ 评测集没有引用的文档：{'、'.join(f'`{x}`' for x in extra)}。新增文档可能让“无答案”的问题变得"
                 "可答，分数与只含原始资料时不可直接比较。")
    return line


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _legend_below(ax, n: int) -> None:
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(n, 3), frameon=False)


def plots(result: dict, out: Path) -> list[Path]:
    plt = pyplot()
    files = []
    ks = [1, 3, 5, 10]
    fig, ax = plt.subplots(figsize=(7, 4.6))
    for mode, s in retrieval_metrics(result).items():
        ax.plot(ks, [math.nan if s[f"recall@{k}"] is None else s[f"recall@{k}"] for k in ks], marker="o",
                label=MODE_NAMES.get(mode, mode))
    ax.set(xlabel="k（取前 k 个段落）", ylabel="召回率", title="各检索方式的召回率 recall@k", ylim=(0, 1.02), xticks=ks)
    ax.grid(alpha=.3)
    _legend_below(ax, len(result["retrieval"]))
    files.append(save(fig, out / "recall_at_k.png"))

    fig, ax = plt.subplots(figsize=(7, 4.6))
    total = result["stage_latencies"].get("total", [])
    if total:
        ax.hist(total, bins=20, color="#4c72b0")
        title = f"每题回答耗时分布（p50 {M.percentile(total, .5):.0f} 毫秒，p95 {M.percentile(total, .95):.0f} 毫秒）"
    else:
        ax.text(0.5, 0.5, "无数据", ha="center", va="center", transform=ax.transAxes, fontsize=14)
        title = "每题回答耗时分布"
    ax.set(xlabel="每题总耗时（毫秒）", ylabel="问题数", title=title)
    files.append(save(fig, out / "latency_hist.png"))

    kinds = sorted(result["per_kind"])
    series = [("recall@5", "检索 recall@5"), ("contains_gold", "回答含标准答案"), ("refusal_accuracy", "拒答准确率")]
    fig, ax = plt.subplots(figsize=(max(7, 1.1 * len(kinds) + 2), 4.8))
    width = 0.8 / len(series)
    for j, (key, label) in enumerate(series):
        values = [result["per_kind"][k].get(key, math.nan) for k in kinds]  # a kind without the metric: no bar
        ax.bar([i + (j - 1) * width for i in range(len(kinds))], values, width=width, label=label)
    ax.set_xticks(range(len(kinds)), [f"{KIND_NAMES.get(k, k)}\n{k}" for k in kinds])
    ax.set(ylim=(0, 1.05), ylabel="比例", title="按题型的结果（无答案题型只有拒答准确率）")
    ax.grid(axis="y", alpha=.3)
    _legend_below(ax, len(series))
    files.append(save(fig, out / "per_kind.png"))
    return files


def markdown(result: dict) -> str:
    r, a = retrieval_metrics(result), answer_metrics(result)
    parts = [f"# renewal-qa evaluation — {result['created']}",
             f"Set `{result['set']}` ({result['n_questions']} questions), backend `{result['backend']}`, "
             f"answers retrieved with `{result['main_mode']}`.", ""]
    if result.get("knowledge_base"):
        gold = set(result["gold_doc_ids"]) if result.get("gold_doc_ids") is not None else None
        parts += [knowledge_base_line(result["knowledge_base"], gold), ""]
    parts += ["## Retrieval (answerable questions)",
             _table(["mode", "recall@1", "recall@3", "recall@5", "recall@10", "MRR@10", "nDCG@10", "p50 ms", "p95 ms"],
                    [[m, s["recall@1"], s["recall@3"], s["recall@5"], s["recall@10"], s["mrr@10"], s["ndcg@10"],
                      s["latency_p50_ms"], s["latency_p95_ms"]] for m, s in r.items()]),
             "", "## Answers, citations, refusal",
             _table(["metric", "value"], [[k, v] for k, v in a.items()]), "", "## Per kind",
             _table(["kind", "n", "recall@5", "contains gold", "refused", "refusal acc."],
                    [[k, v.get("n", 0), v.get("recall@5", "—"), v.get("contains_gold", "—"), v.get("refused", "—"),
                      v.get("refusal_accuracy", "—")] for k, v in sorted(result["per_kind"].items())]),
             "", "## Refusal threshold sweep (coverage)",
             _table(["threshold", "refusal acc.", "false refusal"],
                    [[s["threshold"], s["refusal_accuracy"] if a["refusal_accuracy"] is not None else None,
                      s["false_refusal_rate"] if a["false_refusal_rate"] is not None else None]
                     for s in result["refusal_sweep"]])]
    if result.get("ablation"):
        parts += ["", "## Ablation (embedding × mode)",
                  _table(["embedding", "mode", "recall@1", "recall@5", "recall@10", "MRR@10"],
                         [[e, m, *([s["recall@1"], s["recall@5"], s["recall@10"], s["mrr@10"]] if s.get("n", 1)
                                   else [None] * 4)]
                          for e, modes in result["ablation"].items() for m, s in modes.items()])]
    if result.get("public"):
        parts += ["", "## Public benchmarks (paragraph retrieval; offline answerer)"]
        rows = []
        for name, p in result["public"].items():
            for system, s in p["systems"].items():
                rows.append([name, system, s["recall@1"], s["recall@5"], s["recall@10"], s["mrr@10"],
                             s.get("contains_gold", "—"), s.get("false_refusal_rate", "—")])
        parts.append(_table(["dataset", "system", "recall@1", "recall@5", "recall@10", "MRR@10", "answer contains gold",
                             "refused (all answerable)"], rows))
        parts += [f"- {name}: renewal-qa / vanilla LangChain recall@5 ratio = {p['ratio_recall@5']:.3f}"
                  for name, p in result["public"].items()]
    parts += ["", "## Retrieval misses (top-5)"] + [f"- {m['id']} ({m['kind']}): " + " | ".join(m["retrieved"][:3])
                                                    for m in result["retrieval_misses"]]
    parts += ["", "## Answer misses"] + [
        f"- {m['id']} ({m['kind']}) {m['question']} → {'REFUSED' if m['refused'] else m['answer'][:80]} "
        f"(gold: {m['gold_answer'] or DASH}; coverage {m['coverage']:.2f})" for m in result["answer_misses"]]
    return "\n".join(parts) + "\n"


def write_report(result: dict, root: Path, index_dir: Path | None = None) -> Path:
    """`index_dir`: the index the run used, named in the report (version and documents)."""
    if index_dir is not None:
        result["knowledge_base"] = knowledge_base_info(index_dir)
    out = Path(root) / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    result["plots"] = [str(p) for p in plots(result, out)]
    (out / "report.md").write_text(markdown(result), encoding="utf-8")
    return out
