"""Compare page (see rag/webapp/compare_page.py)."""

from rag.app.compare_page import render

render()
