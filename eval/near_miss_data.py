"""Near-miss cases from the public sets (CMRC 2018 trial, DRCD dev), shared by eval/train_evidence.py and
eval/bench_near_miss.py.

Articles are split by a hash of their id (30% `test`, never trained on). For a sampled article every
paragraph becomes a document, and for each sampled question one more document: its paragraph with the
answer sentence removed (kept only when the answer text appears nowhere else in it). All of them go into
one real index (the project's own ingest), so a case is a filter over that index:

- positive: the article's paragraphs (the answer is there);
- near miss: the article's other paragraphs plus the paragraph without its answer sentence (same topic,
  same figures around it, no answer).
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SENT_END = re.compile(r"[。！？!?]")


def datasets_dir() -> Path:
    """../shared/datasets from the repository, or from any folder above it (worktrees live deeper)."""
    for base in [ROOT, *ROOT.parents]:
        d = base / "shared" / "datasets"
        if d.exists():
            return d
    raise FileNotFoundError("shared/datasets (CMRC 2018, DRCD) not found above " + str(ROOT))


FILES = {"cmrc": "cmrc2018/cmrc2018_trial.json", "drcd": "drcd/DRCD_dev.json"}


@dataclass
class Case:
    dataset: str
    article: str
    question: str
    answer: str
    positive: list[str]  # doc ids holding the answer paragraph (and the article's others)
    near_miss: list[str]  # doc ids without it


def split_of(dataset: str, article: str) -> str:
    h = int(hashlib.sha256(f"{dataset}/{article}".encode()).hexdigest()[:8], 16)
    return "test" if h % 10 < 3 else "train"


def _answer_sentence(context: str, start: int, answer: str) -> tuple[int, int] | None:
    if context[start:start + len(answer)] != answer:
        start = context.find(answer)
        if start < 0:
            return None
    s = max((m.end() for m in _SENT_END.finditer(context, 0, start)), default=0)
    m = _SENT_END.search(context, start + len(answer))
    e = m.end() if m else len(context)
    return s, e


def build_cases(split: str, articles_per_set: int, questions_per_paragraph: int, seed: int,
                folder: Path) -> list[Case]:
    """Write the documents of the sampled articles under folder/docs and return the cases."""
    rng = random.Random(seed)
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    for name, rel in FILES.items():
        data = json.loads((datasets_dir() / rel).read_text(encoding="utf-8"))["data"]
        articles = [a for i, a in enumerate(data) if split_of(name, str(a.get("id") or a.get("title") or i)) == split]
        for a_i, art in enumerate(rng.sample(articles, min(articles_per_set, len(articles)))):
            art_id = f"{name}{a_i:03d}"
            para_ids = []
            for p_i, para in enumerate(art["paragraphs"]):
                pid = f"{art_id}_p{p_i}"
                (docs / f"{pid}.txt").write_text(para["context"], encoding="utf-8")
                para_ids.append(pid)
            for p_i, para in enumerate(art["paragraphs"]):
                qas = list(para["qas"])
                rng.shuffle(qas)
                taken = 0
                for qa in qas:
                    if taken >= questions_per_paragraph:
                        break
                    ans = qa["answers"][0]
                    span = _answer_sentence(para["context"], ans["answer_start"], ans["text"])
                    if span is None:
                        continue
                    rest = para["context"][:span[0]] + para["context"][span[1]:]
                    if ans["text"] in rest or len(rest.strip()) < 20:
                        continue  # not a clean near miss: the answer is elsewhere too, or nothing is left
                    vid = f"{art_id}_p{p_i}_minus{taken}"
                    (docs / f"{vid}.txt").write_text(rest, encoding="utf-8")
                    others = [d for d in para_ids if d != para_ids[p_i]]
                    cases.append(Case(name, art_id, qa["question"], ans["text"], list(para_ids), others + [vid]))
                    taken += 1
    return cases


def build_index(folder: Path, settings) -> Path:
    """Index folder/docs with the project's ingest (incremental: a second run re-embeds nothing)."""
    from rag.ingest.indexer import ingest

    index = folder / "index"
    report = ingest([folder / "docs"], settings, index)
    print(f"near-miss index {index}: {report.summary().splitlines()[0]}", flush=True)
    return index
