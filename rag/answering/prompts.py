"""Prompt templates live in prompts/*.md (editable without touching code)."""
from __future__ import annotations

from functools import lru_cache

from rag.settings import ROOT

PROMPTS_DIR = ROOT / "prompts"


@lru_cache(maxsize=None)
def load_prompt(name: str) -> str:
    return (PROMPTS_DIR / f"{name}.md").read_text(encoding="utf-8").strip()


def render(name: str, **values: str) -> str:
    return load_prompt(name).format(**values)
