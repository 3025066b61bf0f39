"""Sentence data stored with the index: spans, the places each sentence speaks about, one vector per sentence."""
from rag.stores.index_store import IndexStore
from rag.text.text_match import normalise


def test_sentences_are_stored_with_places_and_vectors(seed_index):
    stored = IndexStore(seed_index).load()
    assert stored.sentences and stored.sentence_vectors.shape == (len(stored.sentences), stored.vectors.shape[1])
    chunks = {c.chunk_id: c for c in stored.chunks}
    by_text = {normalise(chunks[r["chunk_id"]].text[r["start"]:r["end"]]): r for r in stored.sentences}
    lift = next(r for t, r in by_text.items() if "建成使用电梯33台" in t)
    # it names 常州市 (…入围常州市2023年度…) and nothing of Beijing; a city named in passing does not take the
    # sentence out of its section, which 钟楼区永红街道党工委 heads
    assert {"钟楼区", "常州市"} & set(lift["about"]) and "石景山区" not in lift["about"]
    assert "永红街道" in lift["about"]
    national = next(r for t, r in by_text.items() if "全国累计新开工改造城镇老旧小区近22万个" in t)
    assert "永红街道" not in national["about"] and "石景山区" not in national["about"]
    shijingshan = next(r for t, r in by_text.items() if "老楼加梯竣工总量达到173部" in t)
    assert "石景山区" in shijingshan["about"] or "北京市石景山区" in shijingshan["about"]
    # spans index the chunk text, and sentence vectors are unit length like chunk vectors
    for r in stored.sentences[:50]:
        assert 0 <= r["start"] < r["end"] <= len(chunks[r["chunk_id"]].text)
    assert abs(float((stored.sentence_vectors[0] ** 2).sum()) - 1.0) < 1e-3


def test_unchanged_documents_keep_their_sentence_vectors(tmp_path, docs_copy):
    """An --add of one file re-embeds only that file's chunks and sentences; the rest are carried over."""
    from helpers import make_settings
    from rag.ingest.indexer import ingest

    index = tmp_path / "index"
    settings = make_settings(index)
    one = sorted(docs_copy.glob("00[02]*.txt"))
    ingest(one[:1], settings, index)
    before = IndexStore(index).load()
    ingest(one[1:], settings, index, sync=False)
    after = IndexStore(index).load()
    kept = [i for i, r in enumerate(after.sentences) if r["chunk_id"].startswith(one[0].stem.split("_")[0])]
    assert len(kept) == len(before.sentences)
    assert (after.sentence_vectors[kept] == before.sentence_vectors).all()


def test_a_district_named_in_the_speakers_own_sentence_is_not_what_the_next_clause_speaks_about(seed_index):
    stored = IndexStore(seed_index).load()
    chunks = {c.chunk_id: c for c in stored.chunks}
    parks = next(r for r in stored.sentences
                 if "12处全龄友好公园" in normalise(chunks[r["chunk_id"]].text[r["start"]:r["end"]]))
    # the clause before it (我们…实现与海淀区联通) names 海淀区 in passing
    assert "海淀区" not in parks["about"] and any("石景山" in p for p in parks["about"])
