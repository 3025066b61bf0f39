"""Mask personal identifiers a resident may type ("我电话13812345678") before anything is stored."""
from __future__ import annotations

import re

_PATTERNS = [
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "［身份证号］"),  # mainland resident ID card
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"), "［手机号］"),
    (re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"), "［电话］"),  # landline with area code
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "［邮箱］"),
]


def redact(text: str) -> str:
    for pattern, mask in _PATTERNS:
        text = pattern.sub(mask, text)
    return text
