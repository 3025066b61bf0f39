"""Text: script conversion, normalisation and tokenisation that ingest and retrieval share."""
