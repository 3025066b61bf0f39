"""Simplified ⇄ Traditional Chinese. Matching happens on Simplified text; display keeps the original."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text) if text else text


def is_traditional(text: str) -> bool:
    """More characters that change under t2s than under s2t means the text is Traditional."""
    t2s, s2t = to_simplified(text), to_traditional(text)
    changed_to_simple = sum(a != b for a, b in zip(text, t2s))
    changed_to_trad = sum(a != b for a, b in zip(text, s2t))
    return changed_to_simple > changed_to_trad


def match_script(text: str, like: str) -> str:
    """Render `text` in the script of `like` (a Traditional question gets a Traditional answer)."""
    return to_traditional(text) if is_traditional(like) else to_simplified(text)
