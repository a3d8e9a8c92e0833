"""Evaluation page (see rag/app/evaluation_page.py)."""

from rag.app.evaluation_page import render

render()
