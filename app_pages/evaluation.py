"""Evaluation page (see rag/webapp/evaluation_page.py)."""

from rag.webapp.evaluation_page import render

render()
