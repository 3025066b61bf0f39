"""Characters that sound alike: residents type by pinyin, and a wrong pick (首刚园 for 首钢园, 棚护区 for
棚户区) is the commonest typo in Chinese. Built from pypinyin's character table, toneless, limited to the
6,763 characters of GB2312 (the ones an input method offers first)."""
from __future__ import annotations

from functools import lru_cache


def _common(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """(character -> toneless readings, reading -> characters)."""
    from pypinyin import Style, pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    readings: dict[str, list[str]] = {}
    chars: dict[str, set[str]] = {}
    for code in pinyin_dict:
        ch = chr(code)
        if not _common(ch):
            continue
        # every reading of a polyphone (重: zhong, chong), toneless
        readings[ch] = sorted(set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))
        for r in readings[ch]:
            chars.setdefault(r, set()).add(ch)
    return readings, chars


def homophones(ch: str) -> set[str]:
    """Other common characters with a reading of `ch` (钢 for 刚)."""
    readings, chars = _table()
    return set().union(*(chars[r] for r in readings.get(ch, ()))) - {ch}


@lru_cache(maxsize=4096)
def reading(ch: str) -> str:
    """The common reading of `ch`, toneless (能: neng, not its rare tai)."""
    from pypinyin import Style, pinyin
    return pinyin(ch, style=Style.NORMAL)[0][0]
