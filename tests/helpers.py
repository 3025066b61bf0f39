"""Helpers shared by the tests (plain module: conftest files are not importable by name)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def make_settings(index_dir: Path, **overrides):
    from rag.settings import Settings

    s = Settings()
    s.paths.index_dir = index_dir
    for dotted, value in overrides.items():
        section, key = dotted.split("__")
        setattr(getattr(s, section), key, value)
    return s
