"""Turn raw web text into clean paragraphs: the pipeline's job, never hand edits.

Order matters: pinyin and inline boilerplate go first so that duplicate lines
compare equal, duplicates go before line-joining (seed 003 repeats a broken
half-paragraph), and joining goes last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text.script import to_simplified

# Pinyin glosses after a Han character, e.g. 區(qū), 產(chǎn): only tone-marked syllables,
# so a real parenthesis such as 城市(单元) or (一) is never touched.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[(（]([a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*)[)）]")

# Fragments removed from inside a line (share bars, font-size widgets, editor tags).
INLINE_BOILERPLATE = [
    re.compile(r"字体[:：]?\s*(小\s*中\s*大)?"),
    re.compile(r"小\s+中\s+大"),
    re.compile(r"分享到[:：]?"),
    re.compile(r"【\s*纠错\s*】|【\s*糾錯\s*】"),
    re.compile(r"【\s*责任编辑[:：][^】]*】|【\s*責任編輯[:：][^】]*】"),
    re.compile(r"阅读下一篇[:：]?.*$|閱讀下一篇[:：]?.*$"),
    re.compile(r"(浏览|瀏覽|浏覽|阅读|閱讀)(次数|量)?[:：]\s*\d+"),
]

# A line matching any of these is dropped whole: site chrome, footers, spam ads.
DROP_LINE = [
    re.compile(r"^https?://\S+$"),
    re.compile(r"^[-—_=*·.\s]*$"),
    re.compile(r"^(联系我们|聯繫我們|聯系我們|关于我们|關於我們|网站地图|網站地圖|Baidu|sogou|百度|搜狗|菜单|菜單|返回顶部|返回頂部|打印|关闭|關閉)$", re.I),
    re.compile(r"^(地址|網址|网址|電話|电话|传真|傳真|邮编|郵編|邮箱|郵箱|E-?mail)\s*[:：]", re.I),
    re.compile(r"版权所有|版權所有|ICP备|ICP備|公网安备|公網安備|营业执照|營業執照|网站建设|網站建設|Copyright|©", re.I),
    re.compile(r"^(首页|首頁)\s*[>›]"),
    re.compile(r"[>›]\s*[>›]?\s*正文"),
    re.compile(r"^深度观察$|^深度觀察$"),
    re.compile(r"^(来源|來源)[:：]\s*\S{1,20}$"),
    re.compile(r"^\d{4}[-/年.]\s*\d{1,2}[-/月.]\d{1,2}日?\s+\d{1,2}:\d{2}(:\d{2})?$"),
    re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+(来源|來源)[:：]"),
]

# Injected gambling/casino spam. Only unambiguous phrases: 金沙江, 澳门特区 or a casino named
# in a news paragraph are real text (benchmark paragraphs from CMRC/DRCD were lost to `澳门`).
SPAM = re.compile(
    r"金沙(集团|集團|娱乐|娛樂|国际|國際|官网|官網|城)|博彩(网|網|公司|平台|平臺)|娱乐城|娛樂城|百家乐|百家樂|六合彩"
    r"|APP最新版下[载載]|澳[门門](赌场|賭場|金沙|葡京|威尼斯人|娱乐|娛樂|彩票)", re.I)

# A line with a full stop and some length is a paragraph: footer words inside it (a story
# about 营业执照, a © in a quotation) are content, and spam inside it is cut out, not the line.
PROSE_MIN_CHARS = 60

TERMINAL = "。！？；：!?;:…”」』）)】"
HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[条條章节節部分篇]|[一二三四五六七八九十]+[、是]|第[一二三四五六七八九十]+[，,、]"
    r"|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]\s*\S)"
)


@dataclass
class CleanReport:
    """What cleaning removed, so that ingest can say it and tests can assert it."""

    pinyin_glosses: int = 0
    dropped_lines: list[str] = field(default_factory=list)
    spam_lines: list[str] = field(default_factory=list)
    duplicate_paragraphs: list[str] = field(default_factory=list)
    joined_lines: int = 0


def strip_pinyin(text: str) -> tuple[str, int]:
    return PINYIN_GLOSS.subn("", text)


def _normalise_spaces(line: str) -> str:
    line = line.replace("\u3000", " ").replace("\xa0", " ").replace("\t", " ")
    return re.sub(r" {2,}", " ", line).strip()


def _strip_inline(line: str) -> str:
    for pattern in INLINE_BOILERPLATE:
        line = pattern.sub(" ", line)
    return _normalise_spaces(line)


def _site_suffix_key(line: str) -> str:
    """`标题-新华网` and `标题` are the same line for de-duplication."""
    return re.sub(r"\s*[-_|｜]\s*\S{2,8}[网網]$", "", line)


def _spans_word(left: str, right: str) -> bool:
    """True when a dictionary word runs across the line break (促|进 → 促进)."""
    from rag.text.text_match import jieba_instance

    jieba = jieba_instance()
    a, b = to_simplified(left[-3:]), to_simplified(right[:3])
    pos = 0
    for word in jieba.cut(a + b, HMM=False):
        if pos < len(a) < pos + len(word):
            return True
        pos += len(word)
    return False


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _continues(prev: str, nxt: str) -> bool:
    """Was `prev` broken mid-sentence, with `nxt` its rest?"""
    if not prev or not nxt or prev[-1] in TERMINAL or HEADING.match(nxt):
        return False
    if not (_is_han(prev[-1]) and (_is_han(nxt[0]) or nxt[0] in "《“(（")):
        return False
    return len(prev) > 40 or _spans_word(prev, nxt)


def clean_text(raw: str, title: str | None = None) -> tuple[str, CleanReport]:
    """Return cleaned text (one paragraph per line) and a report of what was removed."""
    report = CleanReport()
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text, report.pinyin_glosses = strip_pinyin(text)

    lines: list[str] = []
    for raw_line in text.split("\n"):
        line = _normalise_spaces(raw_line)
        if not line:
            continue
        prose = "。" in line and len(line) >= PROSE_MIN_CHARS
        if SPAM.search(line):
            report.spam_lines.append(line)
            if not prose:
                continue
            line = _normalise_spaces(SPAM.sub(" ", line))
        if not prose and any(p.search(line) for p in DROP_LINE):
            report.dropped_lines.append(line)
            continue
        stripped = _strip_inline(line)
        if not stripped:
            report.dropped_lines.append(line)
            continue
        lines.append(stripped)

    # Exact duplicate paragraphs (and repeated titles) are kept once; short lines such as
    # speaker labels (主持人) legitimately repeat.
    seen: set[str] = set()
    if title:
        seen.add(_site_suffix_key(_normalise_spaces(title)))
    kept: list[str] = []
    for i, line in enumerate(lines):
        key = _site_suffix_key(line)
        if key in seen and (len(key) >= 16 or key == _site_suffix_key(title or "")):
            report.duplicate_paragraphs.append(line)
            continue
        if len(key) >= 16:
            seen.add(key)
        kept.append(line)

    joined: list[str] = []
    for line in kept:
        if joined and _continues(joined[-1], line):
            joined[-1] += line
            report.joined_lines += 1
        else:
            joined.append(line)
    return "\n".join(joined), report
