"""Which sentence answers the question: a learned fusion of the reader's per-sentence signals.

The reader measures each sentence by words (lexical), meaning (semantic cosine, banded), the asked kind of
answer (holds) and how much of the question's subject it names (focus), plus its passage's retrieval score,
its shape (an enumeration for a list question, its length, a bare heading). How much each should count is
learned, not set by hand: a logistic regression over those signals, fitted by eval/train_sentence_ranker.py
(fixed seed) on the residents' questions whose misses were read, a sentence labelled by whether it holds the
question's answer. Its score is P(the sentence holds the answer), 0..1. Without a fitted file the hand-set
weights of the first reader are used.
"""
from __future__ import annotations

import json
import math
import re
from contextlib import contextmanager
from functools import lru_cache

from rag.text.script import to_simplified
from rag.text.text_match import RESOURCES

MODEL_PATH = RESOURCES / "sentence_ranker.json"
FEATURES = ["lexical", "semantic", "holds", "holds_focus", "focus", "prior", "list_enumeration", "enumeration",
            "length", "heading", "focus_no_kind", "semantic_focus", "how_means", "how_problem"]
# the first reader's hand-set weights (score = 0.45 words + 0.35 meaning + 0.2 kind beside the subject + 0.1 prior)
W_LEX, W_SEM, W_KIND, W_PRIOR = 0.45, 0.35, 0.2, 0.1


# How a sentence answers "how": by a means (通过…, 以…为基本工作法, 建立…机制), and often by naming the problem it solves
# (帮助破解“悬空老人下楼难”问题). Both are signals whose weights the fit learns (both came out positive; a cause cue for
# "why" questions came out at zero and was left out).
_MEANS = re.compile(r"通过|采取|采用|以[^，。；,;]{1,12}为|坚持|建立|推行|探索|引导|实行|工作法|办法|措施|机制|模式|方式|依托|借助|"
                    r"按照|由[^，。；,;]{1,8}(负责|牵头)")
_PROBLEM = re.compile(r"难[、，,。；;等]|难题|问题|呼声|短板|痛点|堵点|矛盾")


# a named difficulty (达成共识难、, 难题): stricter than any 问题 (小问题3小时内解决 names none)
_DIFFICULTY = re.compile(r"难[、，,。；;等]|难题")


def states_problem(text: str) -> bool:
    """Does the sentence name a problem (直面达成共识难、资金筹措难等问题)? The ways it is met then follow it."""
    return bool(_PROBLEM.search(to_simplified(text)))


def names_difficulty(text: str) -> bool:
    """Does the sentence name a difficulty (直面达成共识难、资金筹措难等问题), not merely a 问题?"""
    return bool(_DIFFICULTY.search(to_simplified(text)))


# a question about the difficulties themselves (卡在哪几个难处, 主要难点是啥): the sentence naming them answers it
ASKS_PROBLEM = re.compile(r"难处|难点|困难|难题|卡在|卡脖子|堵点|痛点|(问题|毛病)(出)?在哪")


def signals(lexical: float, semantic: float, holds: bool, focus: float, prior: float, text: str, form: str,
            kinds_asked: bool, problem_asked: bool = False) -> dict[str, float]:
    """The sentence's signals. `semantic` is the banded cosine (0..1), `prior` its passage's retrieval score
    over the best passage's; `problem_asked`: the question asks what the difficulties are."""
    kind = float(holds and kinds_asked)
    norm = to_simplified(text) if form == "how" or problem_asked else ""
    enumeration = min(text.count("、") / 3, 1.0)
    tail = text.strip()[-1:]
    return {"lexical": lexical, "semantic": semantic, "holds": kind, "holds_focus": kind * focus, "focus": focus,
            "prior": prior, "list_enumeration": enumeration * (form == "list"), "enumeration": enumeration,
            "length": min(len(text) / 100, 2.0),
            # a title or heading quoted as a sentence (以老旧小区改造 绘就乐业永红新图景) answers nothing
            "heading": float(bool(tail) and tail not in "。！？；，,.!?;：:”」』）)"),
            "focus_no_kind": focus * (not kinds_asked), "semantic_focus": semantic * focus,
            "how_means": float(form == "how" and bool(_MEANS.search(norm))),
            "how_problem": float((form == "how" or problem_asked) and bool(_PROBLEM.search(norm)))}


@lru_cache(maxsize=1)
def load_model() -> dict | None:
    if not MODEL_PATH.exists():
        return None
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


_HAND = [False]


@contextmanager
def hand_weights():
    """Score with the first reader's hand-set weights (training reads sentences the same way whether or not
    a fitted file ships, and compares against them)."""
    _HAND[0] = True
    try:
        yield
    finally:
        _HAND[0] = False


def score(sig: dict[str, float], model: dict | None = None) -> float:
    model = model or (None if _HAND[0] else load_model())
    if model is None:
        return W_LEX * sig["lexical"] + W_SEM * sig["semantic"] + W_KIND * (0.5 * sig["holds"] + 0.5 * sig["holds_focus"]) \
            + W_PRIOR * sig["prior"] + W_KIND * sig["list_enumeration"]
    z = model["intercept"] + sum(c * sig.get(f, 0.0) for f, c in zip(model["features"], model["coef"]))
    return 1.0 / (1.0 + math.exp(-z))
