"""Write an eval run: results.json, report.md and PNG plots in eval/reports/<timestamp>/."""
from __future__ import annotations

import json
import time
from pathlib import Path

from . import metrics as M


def _table(header: list[str], rows: list[list]) -> str:
    fmt = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def plots(result: dict, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    ks = [1, 3, 5, 10]
    fig, ax = plt.subplots(figsize=(6, 4))
    for mode, s in result["retrieval"].items():
        ax.plot(ks, [s[f"recall@{k}"] for k in ks], marker="o", label=mode)
    ax.set(xlabel="k", ylabel="recall@k", title="Retrieval recall@k by mode", ylim=(0, 1.02), xticks=ks)
    ax.grid(alpha=.3)
    ax.legend()
    files.append(out / "recall_at_k.png")
    fig.tight_layout()
    fig.savefig(files[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    total = result["stage_latencies"].get("total", [])
    ax.hist(total, bins=20, color="#4c72b0")
    ax.set(xlabel="ms per question (total)", ylabel="questions",
           title=f"Answer latency  p50 {M.percentile(total, .5):.0f} ms  p95 {M.percentile(total, .95):.0f} ms")
    files.append(out / "latency_hist.png")
    fig.tight_layout()
    fig.savefig(files[-1], dpi=110)
    plt.close(fig)

    kinds = sorted(result["per_kind"])
    values = [result["per_kind"][k].get("contains_gold", result["per_kind"][k].get("refusal_accuracy", 0.0)) for k in kinds]
    recall = [result["per_kind"][k].get("recall@5", 0.0) for k in kinds]
    fig, ax = plt.subplots(figsize=(8, 4))
    x = range(len(kinds))
    ax.bar([i - .2 for i in x], recall, width=.4, label="recall@5")
    ax.bar([i + .2 for i in x], values, width=.4, label="contains gold / refusal acc.")
    ax.set_xticks(list(x), kinds, rotation=30, ha="right")
    ax.set(ylim=(0, 1.05), title="Per-kind results")
    ax.legend()
    files.append(out / "per_kind.png")
    fig.tight_layout()
    fig.savefig(files[-1], dpi=110)
    plt.close(fig)
    return files


def markdown(result: dict) -> str:
    r, a = result["retrieval"], result["answers"]
    parts = [f"# renewal-qa evaluation — {result['created']}",
             f"Set `{result['set']}` ({result['n_questions']} questions), backend `{result['backend']}`, "
             f"answers retrieved with `{result['main_mode']}`.", "", "## Retrieval (answerable questions)",
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
                    [[s["threshold"], s["refusal_accuracy"], s["false_refusal_rate"]] for s in result["refusal_sweep"]])]
    if result.get("ablation"):
        parts += ["", "## Ablation (embedding × mode)",
                  _table(["embedding", "mode", "recall@1", "recall@5", "recall@10", "MRR@10"],
                         [[e, m, s["recall@1"], s["recall@5"], s["recall@10"], s["mrr@10"]]
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
        f"(gold: {m['gold_answer'] or '—'}; coverage {m['coverage']:.2f})" for m in result["answer_misses"]]
    return "\n".join(parts) + "\n"


def write_report(result: dict, root: Path) -> Path:
    out = Path(root) / time.strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    result["plots"] = [str(p) for p in plots(result, out)]
    (out / "report.md").write_text(markdown(result), encoding="utf-8")
    return out
