"""The Milvus collections of one knowledge base (prefix P = settings.store.collection):

    P_chunks     chunk_id (pk), doc_id, region, date, doc_hash, pos: scalar fields the filters run on;
                 text: the chunk's title + headings + text in matching form (Simplified, NFKC, lower case),
                 analysed by jieba with our stop words; sparse: written by a BM25 function from `text`
                 (SPARSE_INVERTED_INDEX, metric BM25); dense: FLOAT_VECTOR (metric IP = cosine);
                 chunk: the chunk record and its BM25 token list (JSON), the local catalogue's source.
    P_sentences  sent_id (pk, "<chunk_id>@<start>"), chunk_id, doc_id, pos, row (JSON), vector (IP).
    P_meta       key (pk), kind, doc_id, pos (document order), body (JSON text): the document records, in parts
                 (a document's text may exceed one VARCHAR).
    P_state      one row: live version, fingerprint, counts, writing flag; written last. Its own collection, so
                 the version check every query makes stays one small read whatever the size of the rest.
    Milvus needs a vector field in every collection: `pad` (2 dims, unused) in P_meta and P_state.
"""
from __future__ import annotations

from pymilvus import DataType, Function, FunctionType, MilvusClient

from rag.settings import StoreSettings
from rag.text.text_match import STOPWORDS

ID_LEN = 512
TEXT_LEN = 65535  # the VARCHAR ceiling (bytes)
PART_CHARS = 16000  # JSON text per meta row: at most 4 UTF-8 bytes a character stays under TEXT_LEN
MAX_TOPK = 16384  # Milvus' limit on one search


def analyzer_params() -> dict:
    """jieba (Milvus' built-in, search granularity) with the stop words of rag.text.text_match, so the engine's
    BM25 leaves out the same function words as the embedded one."""
    return {"tokenizer": "jieba", "filter": [{"type": "stop", "stop_words": sorted(STOPWORDS)}]}


def names(cfg: StoreSettings) -> dict[str, str]:
    return {k: f"{cfg.collection}_{k}" for k in ("chunks", "sentences", "meta", "state")}


def create_collections(client: MilvusClient, cfg: StoreSettings, dim: int) -> None:
    n = names(cfg)
    s = client.create_schema(auto_id=False)
    s.add_field("chunk_id", DataType.VARCHAR, is_primary=True, max_length=ID_LEN)
    s.add_field("doc_id", DataType.VARCHAR, max_length=ID_LEN)
    s.add_field("region", DataType.VARCHAR, max_length=256)
    s.add_field("date", DataType.VARCHAR, max_length=64)
    s.add_field("doc_hash", DataType.VARCHAR, max_length=128)
    s.add_field("pos", DataType.INT64)
    s.add_field("text", DataType.VARCHAR, max_length=TEXT_LEN, enable_analyzer=True, analyzer_params=analyzer_params())
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("chunk", DataType.JSON)
    s.add_function(Function(name="text_bm25", function_type=FunctionType.BM25, input_field_names=["text"],
                            output_field_names=["sparse"]))
    ip = client.prepare_index_params()
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                 params={"bm25_k1": 1.2, "bm25_b": 0.75})
    ip.add_index("dense", index_type=cfg.dense_index, metric_type="IP", params=dict(cfg.dense_params))
    client.create_collection(n["chunks"], schema=s, index_params=ip, consistency_level="Strong")

    s = client.create_schema(auto_id=False)
    s.add_field("sent_id", DataType.VARCHAR, is_primary=True, max_length=ID_LEN + 16)
    s.add_field("chunk_id", DataType.VARCHAR, max_length=ID_LEN)
    s.add_field("doc_id", DataType.VARCHAR, max_length=ID_LEN)
    s.add_field("pos", DataType.INT64)
    s.add_field("row", DataType.JSON)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    ip = client.prepare_index_params()
    ip.add_index("vector", index_type=cfg.dense_index, metric_type="IP", params=dict(cfg.dense_params))
    client.create_collection(n["sentences"], schema=s, index_params=ip, consistency_level="Strong")

    s = client.create_schema(auto_id=False)
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=ID_LEN + 32)
    s.add_field("kind", DataType.VARCHAR, max_length=16)
    s.add_field("doc_id", DataType.VARCHAR, max_length=ID_LEN)
    s.add_field("pos", DataType.INT64)
    s.add_field("body", DataType.VARCHAR, max_length=TEXT_LEN)
    s.add_field("pad", DataType.FLOAT_VECTOR, dim=2)
    ip = client.prepare_index_params()
    ip.add_index("pad", index_type="FLAT", metric_type="L2")
    client.create_collection(n["meta"], schema=s, index_params=ip, consistency_level="Strong")

    s = client.create_schema(auto_id=False)
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=32)
    s.add_field("body", DataType.VARCHAR, max_length=TEXT_LEN)
    s.add_field("pad", DataType.FLOAT_VECTOR, dim=2)
    ip = client.prepare_index_params()
    ip.add_index("pad", index_type="FLAT", metric_type="L2")
    client.create_collection(n["state"], schema=s, index_params=ip, consistency_level="Strong")


def drop_collections(client: MilvusClient, cfg: StoreSettings) -> None:
    for name in names(cfg).values():
        if client.has_collection(name):
            client.drop_collection(name)


def quote(value: str) -> str:
    """A string literal for a Milvus filter expression."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def in_list(field: str, values) -> str:
    return f"{field} in [{', '.join(quote(v) for v in values)}]"
