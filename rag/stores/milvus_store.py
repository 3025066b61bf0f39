"""The index in Milvus (settings.store.backend = "milvus"): the same data as a FAISS version folder, kept in
the collections of rag/stores/milvus_schema.py, written incrementally by document hash.

It offers what the indexer and the searcher use of IndexStore: lock(), current_version(), load(), write().
load() returns the catalogue (documents, chunk records and their BM25 tokens, sentence rows) with the vectors
left in the engine (RemoteVectors fetches rows by primary key when the indexer reuses them). write() gets the
complete new state from the indexer and sends only the difference: rows of documents whose content hash
changed (or that are new) are deleted by `doc_id in [...]` and inserted again, removed documents are deleted;
unchanged documents are not touched. The `state` row in P_meta is the version marker, written last: a
reader's Searcher reloads when its version changes. A write that did not finish leaves the state flagged
`writing`, and load() refuses it by name until a full ingest rebuilds the collections.
"""
from __future__ import annotations

import json
import logging
import secrets
import time
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.documents import Chunk, DocMeta, Document
from rag.settings import StoreSettings
from rag.stores import milvus_schema as schema
from rag.stores.file_lock import exclusive_lock
from rag.stores.index_store import IndexCorrupt, IndexProblem, NoIndex
from rag.text.text_match import normalise

FORMAT = "milvus-2"  # 2: the state row in its own collection, documents ordered by `pos`
STATE_KEY = "state"


class _NoMvccNotice(logging.Filter):
    """Milvus Lite has no MVCC timestamp service; pymilvus says so on every query iterator (harmless)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "mvccTs" not in record.getMessage()


@lru_cache(maxsize=8)
def _client(uri: str, token: str):
    """One client per address and credential per process: an embedded file may be opened only once."""
    with warnings.catch_warnings():  # milvus_lite 2.5 imports pkg_resources, which warns on import
        warnings.simplefilter("ignore", UserWarning)
        from pymilvus import MilvusClient

        logging.getLogger("pymilvus.orm.iterator").addFilter(_NoMvccNotice())
        return MilvusClient(uri=uri, token=token)  # a file URI starts Milvus Lite here


def resolve_uri(cfg: StoreSettings, index_dir: Path) -> str:
    if cfg.uri:
        return cfg.uri if "://" in cfg.uri else str(Path(cfg.uri).resolve())
    return str((Path(index_dir) / "milvus.db").resolve())


class RemoteVectors:
    """Rows of a vector field fetched by primary key on demand: `vectors[rows]` as with a numpy array."""

    def __init__(self, store: "MilvusStore", collection: str, pk: str, field_name: str, ids: list[str], dim: int):
        self.store, self.collection, self.pk, self.field, self.ids, self.dim = store, collection, pk, field_name, ids, dim

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.ids), self.dim)

    def __getitem__(self, rows) -> np.ndarray:
        rows = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        wanted = [self.ids[int(r)] for r in rows]
        got = self.store.fetch(self.collection, wanted, [self.field])
        missing = [i for i in wanted if i not in got]
        if missing:
            raise IndexCorrupt(f"Milvus 集合 {self.collection} 缺少 {len(missing)} 行（如 {missing[0]}）。"
                               f"{self.store.recovery_hint()}")
        out = np.asarray([got[i][self.field] for i in wanted], dtype=np.float32)
        return out.reshape(len(wanted), self.dim)


@dataclass
class MilvusIndex:
    """The live version as the indexer and MilvusSnapshot read it (the FAISS StoredIndex's counterpart)."""

    version: str
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    tokens: list[list[str]]
    vectors: RemoteVectors = field(repr=False)
    sentences: list[dict] = field(default_factory=list, repr=False)
    sentence_vectors: RemoteVectors | None = field(default=None, repr=False)

    def doc_chunks(self, doc_id: str) -> list[tuple[int, Chunk]]:
        return [(i, c) for i, c in enumerate(self.chunks) if c.doc_id == doc_id]


def new_version() -> str:
    now = time.time()
    return f"v-{time.strftime('%Y%m%d%H%M%S', time.localtime(now))}-{int(now % 1 * 1e6):06d}-{secrets.token_hex(3)}"


class MilvusStore:
    def __init__(self, cfg: StoreSettings, index_dir: Path):
        self.cfg = cfg
        self.dir = Path(index_dir)  # the local lock and the embedded file live here
        self.uri = resolve_uri(cfg, self.dir)
        self.names = schema.names(cfg)
        self._intact: str | None = None  # the version load() last found complete
        self._hashes: dict[str, str] = {}  # its documents' content hashes, the base of an incremental write

    @property
    def client(self):
        if "://" not in self.uri:
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            return _client(self.uri, self.cfg.token.get_secret_value())
        except Exception as exc:
            hint = ("嵌入式 Milvus Lite 文件一次只能由一个进程打开：请先停止正在使用它的进程，多个进程请改用 Milvus "
                    "服务器（store.uri = http://host:19530）") if "://" not in self.uri else \
                "请检查 store.uri 与 store.token，或服务器是否已启动"
            raise IndexProblem(f"无法连接 Milvus {self.uri}（{exc.__class__.__name__}: {exc}）：{hint}") from exc

    def where(self) -> str:
        return f"Milvus {self.uri} 的集合 {self.cfg.collection}_*"

    def recovery_hint(self) -> str:
        return f"恢复办法：从文档重建 python app.py ingest --index {self.dir} --rebuild docs/（RQA_STORE__BACKEND=milvus）"

    # -- reading -------------------------------------------------------------------------------------
    def state(self) -> dict | None:
        if not self.client.has_collection(self.names["state"]):
            return None
        rows = self.client.get(self.names["state"], ids=[STATE_KEY], output_fields=["body"])
        if not rows:
            return None
        try:
            return json.loads(rows[0]["body"])
        except (ValueError, KeyError) as exc:
            raise IndexCorrupt(f"{self.where()} 的状态行无法解析。{self.recovery_hint()}") from exc

    def current_version(self) -> str | None:
        """The live version; an interrupted write keeps naming the version before it (readers keep serving)."""
        st = self.state()
        return st.get("version") if st else None

    def read_manifest(self) -> dict | None:
        st = self.state()
        return st.get("manifest") if st else None

    def scan(self, collection: str, fields: list[str], expr: str = "") -> list[dict]:
        it = self.client.query_iterator(collection, batch_size=self.cfg.batch_rows, filter=expr, output_fields=fields)
        out: list[dict] = []
        try:
            while page := it.next():
                out += page
        finally:
            it.close()
        return out

    def fetch(self, collection: str, ids: list[str], fields: list[str]) -> dict[str, dict]:
        pk = "chunk_id" if collection == self.names["chunks"] else "sent_id" if collection == self.names["sentences"] else "key"
        got: dict[str, dict] = {}
        for i in range(0, len(ids), self.cfg.batch_rows):
            for row in self.client.get(collection, ids=ids[i: i + self.cfg.batch_rows], output_fields=fields):
                got[row[pk]] = row
        return got

    def load(self) -> MilvusIndex:
        st = self.state()
        if st is None:
            raise NoIndex(f"{self.where()} 里还没有索引：请先运行 RQA_STORE__BACKEND=milvus python app.py ingest "
                          f"--index {self.dir} docs/")
        if st.get("format") != FORMAT:
            raise IndexCorrupt(f"{self.where()} 的格式是 {st.get('format')!r}，本程序读取 {FORMAT}。{self.recovery_hint()}")
        if st.get("writing"):
            raise IndexCorrupt(f"{self.where()} 的写入没有完成（开始于 {st['writing']}，可能正在写入或已中断）。"
                               f"{self.recovery_hint()}")
        manifest, version = st["manifest"], st["version"]
        documents = self._documents()
        order = {d: i for i, d in enumerate(documents)}
        problems = []
        if len(documents) != manifest.get("n_documents"):
            problems.append(f"文档 {len(documents)} 篇，清单 {manifest.get('n_documents')} 篇")
        rows = self.scan(self.names["chunks"], ["chunk_id", "doc_id", "doc_hash", "pos", "chunk"])
        rows.sort(key=lambda r: (order.get(r["doc_id"], len(order)), r["pos"]))
        stale = [r["chunk_id"] for r in rows if r["doc_id"] not in documents
                 or r["doc_hash"] != documents[r["doc_id"]].content_hash]
        if stale:
            problems.append(f"{len(stale)} 个段落与其文档不符（如 {stale[0]}）")
        if len(rows) != manifest.get("n_chunks"):
            problems.append(f"段落 {len(rows)} 个，清单 {manifest.get('n_chunks')} 个")
        sent = self.scan(self.names["sentences"], ["sent_id", "doc_id", "pos", "row"])
        sent.sort(key=lambda r: (order.get(r["doc_id"], len(order)), r["pos"]))
        if len(sent) != manifest.get("n_sentences", 0):
            problems.append(f"句子 {len(sent)} 个，清单 {manifest.get('n_sentences')} 个")
        if problems:
            raise IndexCorrupt(f"{self.where()} 前后不一致：{'；'.join(problems)}。{self.recovery_hint()}")
        chunks, tokens = [], []
        for r in rows:
            d = dict(r["chunk"])
            tokens.append(d.pop("tokens"))
            chunks.append(Chunk(**d))
        dim = manifest["fingerprint"]["dim"]
        vectors = RemoteVectors(self, self.names["chunks"], "chunk_id", "dense", [c.chunk_id for c in chunks], dim)
        sentence_vectors = RemoteVectors(self, self.names["sentences"], "sent_id", "vector",
                                         [r["sent_id"] for r in sent], dim)
        self._intact, self._hashes = version, {d: doc.content_hash for d, doc in documents.items()}
        manifest = manifest | {"documents": {d.doc_id: {"source": d.source, "content_hash": d.content_hash,
                                                        "title": d.title} for d in documents.values()}}
        return MilvusIndex(version, manifest, documents, chunks, tokens, vectors, [r["row"] for r in sent],
                           sentence_vectors)

    def _documents(self) -> dict[str, Document]:
        """The document records in document order (`pos`)."""
        parts: dict[str, list[tuple[int, str]]] = {}
        pos: dict[str, int] = {}
        for r in self.scan(self.names["meta"], ["key", "doc_id", "pos", "body"], 'kind == "doc"'):
            parts.setdefault(r["doc_id"], []).append((int(r["key"].rsplit("#", 1)[1]), r["body"]))
            pos[r["doc_id"]] = r["pos"]
        documents = {}
        for doc_id, pieces in sorted(parts.items(), key=lambda kv: (pos[kv[0]], kv[0])):
            try:
                d = json.loads("".join(body for _, body in sorted(pieces)))
                d["meta"] = DocMeta(**d["meta"])
                documents[doc_id] = Document(**d)
            except (ValueError, TypeError) as exc:
                raise IndexCorrupt(f"{self.where()} 中文档 {doc_id} 的记录无法解析。{self.recovery_hint()}") from exc
        return documents

    # -- writing -------------------------------------------------------------------------------------
    def lock(self):
        """One writer at a time on this machine (as IndexStore.lock); writers on other machines must take turns."""
        return exclusive_lock(self.dir, ".milvus.lock")

    def write(self, manifest: dict, documents: list[Document], chunks: list[Chunk], tokens: list[list[str]],
              vectors: np.ndarray, sentences: list[dict] | None = None,
              sentence_vectors: np.ndarray | None = None, full: bool = False) -> str:
        """Make the engine hold exactly this state; only documents whose hash changed are sent. Caller holds lock().

        A full rewrite (drop, create, insert all) happens when asked, when there is no intact version that this
        store loaded itself, or when the embedding/chunking fingerprint changed."""
        sentences = sentences or []
        st = self.state()
        prev = st["manifest"] if st and not st.get("writing") else None
        full = (full or prev is None or self._intact != st.get("version")
                or prev.get("fingerprint") != manifest.get("fingerprint"))
        prev_docs = {} if full else self._hashes  # what load() found in the engine for this very version
        changed = [d for d in documents if prev_docs.get(d.doc_id) != d.content_hash]
        gone = [d for d in prev_docs if d not in {doc.doc_id for doc in documents}]
        version = new_version()
        client = self.client
        if full:
            schema.drop_collections(client, self.cfg)
            schema.create_collections(client, self.cfg, int(np.asarray(vectors).shape[1]) if len(vectors)
                                      else manifest["fingerprint"]["dim"])
        self._put_state({"format": FORMAT, "version": st["version"] if st else None, "manifest": prev or {},
                         "writing": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
        stale = [d.doc_id for d in changed if d.doc_id in prev_docs] + gone
        for i in range(0, len(stale), 200):
            expr = schema.in_list("doc_id", stale[i: i + 200])
            for kind in ("chunks", "sentences", "meta"):
                client.delete(self.names[kind], filter=expr)
        self._insert(changed, documents, chunks, tokens, vectors, sentences, sentence_vectors)
        # the document list lives in the meta rows (a state row must stay under one VARCHAR at any size)
        manifest = {k: v for k, v in manifest.items() if k != "documents"} | {
            "format": FORMAT, "version": version, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "n_documents": len(documents), "n_chunks": len(chunks), "n_sentences": len(sentences), "uri": self.uri,
            "collection": self.cfg.collection}
        self._put_state({"format": FORMAT, "version": version, "manifest": manifest, "writing": False})
        self._intact, self._hashes = version, {d.doc_id: d.content_hash for d in documents}
        return version

    def _put_state(self, body: dict) -> None:
        self.client.upsert(self.names["state"], [{"key": STATE_KEY, "body": json.dumps(body, ensure_ascii=False),
                                                  "pad": [0.0, 0.0]}])

    def _insert(self, changed: list[Document], documents: list[Document], chunks: list[Chunk],
                tokens: list[list[str]], vectors, sentences: list[dict], sentence_vectors) -> None:
        want = {d.doc_id: d for d in changed}
        order = {d.doc_id: i for i, d in enumerate(documents)}
        meta_rows = []
        for d in changed:
            body = json.dumps({k: v for k, v in d.__dict__.items()} | {"meta": d.meta.__dict__}, ensure_ascii=False)
            for n, at in enumerate(range(0, max(len(body), 1), schema.PART_CHARS)):
                meta_rows.append({"key": f"doc:{d.doc_id}#{n}", "kind": "doc", "doc_id": d.doc_id, "pos": order[d.doc_id],
                                  "body": body[at: at + schema.PART_CHARS], "pad": [0.0, 0.0]})
        self._batched(self.names["meta"], meta_rows)
        rows, pos, chunk_doc = [], {}, {}
        for i, (c, toks) in enumerate(zip(chunks, tokens)):
            chunk_doc[c.chunk_id] = c.doc_id
            if c.doc_id not in want:
                continue
            doc = want[c.doc_id]
            pos[c.doc_id] = pos.get(c.doc_id, -1) + 1
            rows.append({"chunk_id": c.chunk_id, "doc_id": c.doc_id, "region": doc.meta.region or "",
                         "date": doc.meta.date or "", "doc_hash": doc.content_hash, "pos": pos[c.doc_id],
                         "text": normalise(c.search_text()), "dense": np.asarray(vectors[i], np.float32).tolist(),
                         "chunk": c.to_dict() | {"tokens": toks}})
            if len(rows) >= self.cfg.batch_rows:
                self._batched(self.names["chunks"], rows)
                rows = []
        self._batched(self.names["chunks"], rows)
        rows, pos = [], {}
        for j, r in enumerate(sentences):
            doc_id = chunk_doc.get(r["chunk_id"])
            if doc_id not in want:
                continue
            pos[doc_id] = pos.get(doc_id, -1) + 1
            rows.append({"sent_id": f"{r['chunk_id']}@{r['start']}", "chunk_id": r["chunk_id"], "doc_id": doc_id,
                         "pos": pos[doc_id], "row": r,
                         "vector": np.asarray(sentence_vectors[j], np.float32).tolist()})
            if len(rows) >= self.cfg.batch_rows:
                self._batched(self.names["sentences"], rows)
                rows = []
        self._batched(self.names["sentences"], rows)

    def _batched(self, collection: str, rows: list[dict]) -> None:
        for i in range(0, len(rows), self.cfg.batch_rows):
            self.client.insert(collection, rows[i: i + self.cfg.batch_rows])
