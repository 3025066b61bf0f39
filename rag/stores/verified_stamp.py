"""Verify each immutable segment file once, not on every load.

Hashing every file of a million-chunk index costs seconds on each load. A segment's files never change
after it is written, so once a file's SHA-256 has matched its manifest, its identity (size, inode, mtime
and ctime in ns) is recorded in `.verified.json` in the segment folder. A later load re-hashes a file only
when its identity differs. Any write to a file (a flipped byte, a truncation, a copy) changes its mtime and
ctime, and ctime cannot be set back by user programs, so a damaged file is still hashed and named; silent
media corruption that leaves ctime alone is what `python app.py index --verify` (always a full hash) is for.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

STAMP = ".verified.json"


def identity(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns]


def stamped_files(folder: Path, listed: dict[str, dict]) -> set[str]:
    """Names of listed files whose digest was verified before and whose identity has not changed since."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    ok = set()
    for name, want in listed.items():
        seen = stamp.get(name)
        try:
            if seen and seen["sha256"] == want.get("sha256") and seen["id"] == identity(folder / name):
                ok.add(name)
        except (OSError, KeyError, TypeError):
            pass
    return ok


def write_stamp(folder: Path, listed: dict[str, dict]) -> None:
    """Record that these files match their digests now (best effort: a read-only folder is just re-hashed)."""
    try:
        stamp = {name: {"sha256": want["sha256"], "id": identity(folder / name)} for name, want in listed.items()}
        tmp = folder / f"{STAMP}.{os.getpid()}"
        tmp.write_text(json.dumps(stamp), encoding="utf-8")
        os.replace(tmp, folder / STAMP)
    except OSError:
        pass
