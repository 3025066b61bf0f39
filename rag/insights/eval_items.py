"""Turn a reviewed real question into an eval-set item, appended to a JSONL set that
`python app.py eval --set FILE` reads (rag.evaluation.runner.load_questions format)."""
from __future__ import annotations

import fcntl
import hashlib
import json
from pathlib import Path

from rag.text.text_match import normalise

UNANSWERABLE_KINDS = ("unanswerable", "out_of_domain")
ANSWERABLE_KINDS = ("fact", "number", "list", "colloquial", "traditional", "followup")
KINDS = UNANSWERABLE_KINDS + ANSWERABLE_KINDS


class EvalItemError(ValueError):
    """Bad input; the Chinese message names the field."""


def _key(question: str) -> str:
    return "".join(normalise(question).split()).rstrip("？?。!！")


def add_eval_item(path: Path, question: str, kind: str = "unanswerable", *, gold_answer: str = "",
                  gold_doc_ids: list[str] | None = None, history: list[str] | None = None,
                  exchange_id: str = "") -> tuple[dict, bool]:
    """Append the item unless the set already holds the same question (after script and spacing
    normalisation); returns (item, added). A gap is `unanswerable`; answerable kinds need a gold answer."""
    question, gold_answer = (question or "").strip(), (gold_answer or "").strip()
    if not question:
        raise EvalItemError("问题（question）不能为空")
    if kind not in KINDS:
        raise EvalItemError(f"题型（kind）只能是 {' / '.join(KINDS)}，收到：{kind!r}")
    if kind in ANSWERABLE_KINDS and not gold_answer:
        raise EvalItemError(f"题型 {kind} 是有答案的问题，需要填写标准答案（gold_answer）；资料里没有答案的请选 unanswerable")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _key(question)
    item = {"id": "t" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10], "question": question, "kind": kind,
            "gold_doc_ids": list(gold_doc_ids or []), "gold_answer": gold_answer if kind in ANSWERABLE_KINDS else "",
            "gold_spans": [], "history": list(history or []), "source": "traffic"}
    if exchange_id:
        item["exchange_id"] = exchange_id
    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # two staff clicking at once append two whole lines
        f.seek(0)
        existing = f.read()
        for line in existing.splitlines():
            try:
                if _key(json.loads(line).get("question", "")) == key:
                    return json.loads(line), False
            except (json.JSONDecodeError, AttributeError):
                continue
        if existing and not existing.endswith("\n"):
            f.write("\n")
        f.write(json.dumps(item, ensure_ascii=False) + "\n")
    return item, True
