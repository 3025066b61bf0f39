"""The real slice of the scale benchmark (eval/bench_scale.py): public CMRC 2018 / DRCD paragraphs cut into
chunks of at most ~300 characters at sentence ends, embedded with the project's embedder exactly as ingest
embeds passages (normalised text), plus real questions embedded as queries. Cached, because embedding is
the slow part (about 5-10 chunks/s here); time-boxed by --real (chunks) and --seconds."""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

DATASETS = Path("/work/shared/datasets")
FILES = [DATASETS / "cmrc2018" / "cmrc2018_trial.json", DATASETS / "drcd" / "DRCD_dev.json"]
CHUNK_CHARS = 300


def paragraphs() -> tuple[list[str], list[str]]:
    """(paragraph texts, questions) of both sets, in file order."""
    texts, questions = [], []
    for f in FILES:
        for article in json.loads(f.read_text(encoding="utf-8"))["data"]:
            for p in article["paragraphs"]:
                texts.append(p["context"].strip())
                questions += [q["question"] for q in p["qas"]]
    return texts, questions


def cut(text: str) -> list[str]:
    """Chunks of at most CHUNK_CHARS characters, cut after a sentence end where possible."""
    from rag.text.sentence_split import split_sentences

    out, cur = [], ""
    for s, e in split_sentences(text):
        sent = text[s:e]
        if cur and len(cur) + len(sent) > CHUNK_CHARS:
            out.append(cur)
            cur = ""
        cur += sent
    if cur:
        out.append(cur)
    return out


def build_base(cache: Path, real: int, seconds: float, n_queries: int) -> dict:
    """{texts, vectors, queries, query_vectors, seconds}: the real chunks and questions, embedded (cached)."""
    if cache.exists():
        data = np.load(cache, allow_pickle=False)
        return {k: data[k] for k in data.files}
    from embeddings import get_embedder
    from rag.settings import Settings
    from rag.text.text_match import normalise

    emb = get_embedder(Settings().embedding)
    paras, questions = paragraphs()
    chunks = [c for p in paras for c in cut(p)][:real]
    rng = np.random.default_rng(7)
    qs = [questions[i] for i in rng.choice(len(questions), n_queries, replace=False)]
    t0 = time.perf_counter()
    qv = np.vstack([emb.embed_query(normalise(q)) for q in qs]).astype(np.float32)
    parts, done = [], 0
    while done < len(chunks) and time.perf_counter() - t0 < seconds:
        batch = chunks[done: done + 32]
        parts.append(emb.embed_passages([normalise(t) for t in batch]).astype(np.float32))
        done += len(batch)
        print(f"  embedded {done}/{len(chunks)} chunks, {time.perf_counter() - t0:.0f} s", flush=True)
    out = {"texts": np.array(chunks[:done]), "vectors": np.vstack(parts), "queries": np.array(qs),
           "query_vectors": qv, "seconds": np.array(time.perf_counter() - t0)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **out)
    return out


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    b = build_base(Path(".cache/bench_scale/base.npz"), int(sys.argv[1]) if len(sys.argv) > 1 else 2400,
                   float(sys.argv[2]) if len(sys.argv) > 2 else 900, 300)
    print(len(b["texts"]), b["vectors"].shape, float(b["seconds"]))
