"""The HTTP API (FastAPI) and the server-rendered dashboard."""
