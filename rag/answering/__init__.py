"""Answering: follow-up rewriting, the offline and LLM answerers, citation checks, prompts."""
