"""Compare page (see rag/app/compare_page.py)."""

from rag.app.compare_page import render

render()
