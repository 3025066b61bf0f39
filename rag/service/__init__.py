"""The HTTP service: one FastAPI app serving the REST API (/v1) with the Gradio UI mounted at "/"."""
