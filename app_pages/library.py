"""Library page (see rag/webapp/library.py)."""

from rag.webapp.library import render

render()
