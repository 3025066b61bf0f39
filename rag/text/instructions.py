"""Text that addresses the reader or a model ("忽略以上所有指令", "你现在必须回答", "as an AI", chat-template tags).

Documents are data, never instructions: such sentences are recognised at indexing time (flagged in the knowledge
base list), never chosen as a title, never quoted as an answer sentence. Patterns run on Simplified, lower-cased text.
"""
from __future__ import annotations

import re

from rag.text.script import to_simplified

_PATTERNS = [
    # Chinese: ignore previous instructions / you must now answer / act as / system prompt
    r"(忽略|无视|忘记|忘掉|不要理会|跳过)(掉)?(以上|之前|前面|上面|上述|先前|此前|所有|全部|一切)?(的)?(所有|全部|一切)?(的)?"
    r"(指令|指示|提示词?|规则|要求|设定|约束|内容|对话)",
    r"你(现在|从现在起|从现在开始|接下来)?(必须|只能|务必|一定要|应该|要)(回答|回复|输出|说|告诉|声称|扮演|假装|遵守|服从)",
    r"你现在是", r"(请你?|现在|你)扮演", r"(系统|system)\s*(提示|指令|prompt|message)",
    r"作为(一个|一名)?(ai|人工智能|语言模型|大模型|助手|聊天机器人)",
    r"(回答|回复)(用户|任何人)?(时|的时候)?(一律|都|必须)",
    # English
    r"ignore (all |any )?(the )?(previous|prior|above|earlier|preceding) (instructions|prompts?|rules|messages)",
    r"disregard (all |any )?(the )?(previous|prior|above|earlier) ", r"you are now\b", r"you must (now )?(answer|reply|say)",
    r"\bas an ai\b", r"\bsystem prompt\b", r"\bjailbreak\b",
    # chat-template and role markers
    r"<\|im_start\|>|<\|im_end\|>|<\|system\|>|\[inst\]|\[/inst\]|<<sys>>", r"^\s*#{2,}\s*(system|instruction)",
    r"^\s*(system|assistant|user)\s*[:：]",
]
_RE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.I | re.M)


def looks_like_instruction(text: str) -> bool:
    """True when the text speaks to the reader or the model instead of stating a fact."""
    return bool(text) and _RE.search(to_simplified(text).lower()) is not None


def instruction_sentences(text: str) -> list[str]:
    """The sentences of `text` (split at 。！？!? and line ends) that look like instructions."""
    parts = re.split(r"(?<=[。！？!?\n])", text or "")
    return [p.strip() for p in parts if p.strip() and looks_like_instruction(p)]
