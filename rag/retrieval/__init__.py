"""Retrieval: the BM25 and dense legs built from a stored index, their fusion, and the searcher."""
