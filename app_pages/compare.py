"""Compare page (see rag/webapp/compare_page.py)."""

from rag.webapp.compare_page import render

render()
