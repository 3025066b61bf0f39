"""Gradio's upload copies go to a folder this process owns and removes when it stops.

Gradio keeps every uploaded file under GRADIO_TEMP_DIR (default: the system temp folder) and
never deletes them; a knowledge-base upload is copied into docs/ anyway, so the copy is waste
and, for documents later deleted, a leftover.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def own_gradio_temp_dir() -> Path:
    """Create a private folder (inside GRADIO_TEMP_DIR if one is set, else the system temp folder) and
    point Gradio at it, before Gradio creates its app."""
    parent = os.environ.get("GRADIO_TEMP_DIR") or None
    if parent:
        Path(parent).mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="rqa-gradio-", dir=parent))
    os.environ["GRADIO_TEMP_DIR"] = str(path)
    return path


def remove(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
