"""Evidence check: does the retrieved text answer the question, and if not, what is missing."""
