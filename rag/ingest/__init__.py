"""Ingest: read files, clean them, attach metadata, chunk, and write index versions."""
