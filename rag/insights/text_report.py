"""The insights report as plain text for the terminal (`python app.py insights`)."""
from __future__ import annotations


def fmt_rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def insights_text(report: dict) -> str:
    t = report["totals"]
    span = f"{report['since'] or '开始'} 至 {report['until'] or '现在'}（{report['timezone']}）"
    lines = [f"# 洞察 {span}",
             f"提问 {t['questions']} 次，会话 {t['sessions']} 个；拒答 {t['refused']} 次（拒答率 {fmt_rate(t['refusal_rate'])}）",
             f"反馈 {t['feedback']} 条：👍 {t['up']}（{fmt_rate(t['up_rate'])}） 👎 {t['down']}（{fmt_rate(t['down_rate'])}）",
             f"回答耗时 p50 {fmt_ms(t['answer_p50_ms'])}  p95 {fmt_ms(t['answer_p95_ms'])}；记录写入失败 {t['write_failures']} 次",
             "", "## 每日"]
    lines += [f"{d['day']}  提问 {d['questions']:>4}  拒答率 {fmt_rate(d['refusal_rate']):>6}  👍 {d['up']} 👎 {d['down']}  "
              f"p50 {fmt_ms(d['answer_p50_ms'])}" for d in report["per_day"]] or ["（没有记录）"]
    lines += ["", "## 最常问的问题"]
    lines += [f"{q['count']:>4} × {q['question']}" + (f"（另有 {len(q['variants'])} 种问法）" if q["variants"] else "")
              for q in report["top_questions"]] or ["（没有记录）"]
    lines += ["", "## 知识缺口（拒答和 👎 的问题，按主题归类）"]
    for g in report["gaps"]:
        lines.append(f"[{g['id']}] {g['label']} — {g['size']} 问（拒答 {g['refused']}，👎 {g['disliked']}）")
        lines += [f"      · {q}" for q in g["examples"]]
    if not report["gaps"]:
        lines.append("（没有拒答或 👎 的问题）")
    return "\n".join(lines)
