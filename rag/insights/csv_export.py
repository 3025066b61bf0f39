"""CSV files of conversations and feedback for staff (UTF-8 with BOM so Excel shows the Chinese)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

CONVERSATION_COLUMNS = ["id", "created_at", "session_id", "question", "standalone_question", "answer", "refused",
                        "refusal_kind", "refusal_reason", "backend", "total_ms", "citations", "filters",
                        "index_version", "rating", "reason", "feedback_text"]
FEEDBACK_COLUMNS = ["exchange_id", "created_at", "rating", "reason", "text", "session_id", "question", "answer",
                    "refused", "asked_at"]


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A resident's "=HYPERLINK(...)" must stay text when staff open the file in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write(path: Path, columns: list[str], rows: list[dict]) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    return path


def conversations_csv(exchanges: list[dict], path: Path) -> Path:
    rows = []
    for e in exchanges:
        fb = e.get("feedback") or {}
        rows.append({**e, "citations": "; ".join(f"【{c['n']}】{c['doc_id']}:{c['start']}-{c['end']} {c.get('title', '')}"
                                                  for c in e["citations"]),
                     "filters": json.dumps(e["filters"], ensure_ascii=False) if e["filters"] else "",
                     "refused": int(bool(e["refused"])), "rating": fb.get("rating", ""),
                     "reason": fb.get("reason", ""), "feedback_text": fb.get("text", "")})
    return _write(path, CONVERSATION_COLUMNS, rows)


def feedback_csv(feedback: list[dict], path: Path) -> Path:
    return _write(path, FEEDBACK_COLUMNS, [{**f, "refused": int(bool(f["refused"]))} for f in feedback])
