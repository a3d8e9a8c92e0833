"""Evaluation page (see rag/webapp/evaluation_page.py)."""

from rag.app.evaluation_page import render

render()
