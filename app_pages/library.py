"""Library page (see rag/webapp/library.py)."""

from rag.app.library import render

render()
