"""Charts of the insights report (PNG files): Chinese titles, axes and legends in a CJK font,
legends placed so nothing is cropped. Missing figures (a day without feedback) are gaps, not zeros."""
from __future__ import annotations

from pathlib import Path

from rag.charts import pyplot, save


def _nan(v):
    return float("nan") if v is None else v


def _days_axis(ax, days: list[str]) -> None:
    many = len(days) > 8
    ax.set_xticks(range(len(days)), [d[5:] for d in days], rotation=45 if many else 0, ha="right" if many else "center")
    ax.grid(axis="y", alpha=.3)


def questions_per_day(report: dict, path: Path) -> Path:
    plt = pyplot()
    days = [d["day"] for d in report["per_day"]]
    refused = [d["refused"] for d in report["per_day"]]
    answered = [d["questions"] - d["refused"] for d in report["per_day"]]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.bar(range(len(days)), answered, color="#4c72b0", label="已回答")
    ax.bar(range(len(days)), refused, bottom=answered, color="#dd8452", label="拒答")
    _days_axis(ax, days)
    ax.set(title="每日提问数", xlabel="日期", ylabel="提问数")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return save(fig, path)


def rates_per_day(report: dict, path: Path) -> Path:
    plt = pyplot()
    days = [d["day"] for d in report["per_day"]]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    # words, not 👍/👎: the CJK font has no emoji
    for key, label, color in [("refusal_rate", "拒答率", "#dd8452"), ("up_rate", "好评占反馈", "#55a868"),
                              ("down_rate", "差评占反馈", "#c44e52")]:
        ax.plot(range(len(days)), [_nan(d[key]) for d in report["per_day"]], marker="o", color=color, label=label)
    _days_axis(ax, days)
    ax.set(title="每日拒答率与好评/差评比例", xlabel="日期", ylabel="比例", ylim=(-0.02, 1.02))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return save(fig, path)


def answer_time_per_day(report: dict, path: Path) -> Path:
    plt = pyplot()
    days = [d["day"] for d in report["per_day"]]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(range(len(days)), [_nan(d["answer_p50_ms"]) for d in report["per_day"]], marker="o", label="中位数 p50")
    ax.plot(range(len(days)), [_nan(d["answer_p95_ms"]) for d in report["per_day"]], marker="s", label="p95")
    _days_axis(ax, days)
    ax.set(title="每日回答耗时", xlabel="日期", ylabel="毫秒")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return save(fig, path)


def gap_sizes(report: dict, path: Path, n: int = 10) -> Path:
    plt = pyplot()
    gaps = report["gaps"][:n][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.5 * max(len(gaps), 2) + 1.2))
    labels = [(g["central_question"][:18] + "…") if len(g["central_question"]) > 18 else g["central_question"] for g in gaps]
    ax.barh(range(len(gaps)), [g["refused"] for g in gaps], color="#dd8452", label="拒答")
    ax.barh(range(len(gaps)), [g["size"] - g["refused"] for g in gaps], left=[g["refused"] for g in gaps],
            color="#c44e52", label="差评")
    ax.set_yticks(range(len(gaps)), labels)
    ax.set(title="知识缺口：资料答不上的问题（按主题）", xlabel="问题数")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", frameon=True)
    return save(fig, path)


def all_plots(report: dict, folder: Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = [questions_per_day(report, folder / "questions_per_day.png"), rates_per_day(report, folder / "rates_per_day.png"),
           answer_time_per_day(report, folder / "answer_time_per_day.png")]
    if report["gaps"]:
        out.append(gap_sizes(report, folder / "gaps.png"))
    return out
