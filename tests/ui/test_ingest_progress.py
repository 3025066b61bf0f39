"""The knowledge-base tab's progress bar follows a real ingest: files read, then chunks embedded."""
import shutil

from helpers import DOCS, make_settings
from rag.ingest.indexer import ingest
from rag.ui.app import _ingest_progress


def test_progress_bar_moves_with_a_real_ingest(tmp_path):
    calls = []

    def bar(fraction, desc=None):  # records what gr.Progress would be told
        calls.append((fraction, desc))

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "002_5b15a4c597be09c2.txt", docs)
    ingest([docs], make_settings(tmp_path / "index"), tmp_path / "index", progress=_ingest_progress(bar))
    descs = [d for _, d in calls]
    assert any(d.startswith("[读取]") for d in descs) and any(d.startswith("[嵌入]") for d in descs)
    embedded = [f for f, d in calls if d.startswith("[嵌入]") and f is not None]
    assert embedded and embedded[-1] == 1.0 and embedded == sorted(embedded)
