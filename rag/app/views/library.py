"""Library page (see rag/app/library.py)."""

from rag.app.library import render

render()
