"""Stores: where an index version lives on disk (arrays, token lists, documents); no retrieval logic."""
