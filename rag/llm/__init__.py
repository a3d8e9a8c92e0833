"""LLM mode: a chat model writes answers and briefings from numbered evidence sentences it
cites by id; the code attaches the cited sentences as quotes and keeps only what they
support. The answer chain (``chain.py``) is a LangChain Runnable; prompts are files in
prompts/. Uses answer and below (a chat model and a retrieval object, never the engine)."""
