"""Briefing page (see rag/webapp/briefing_page.py)."""

from rag.app.briefing_page import render

render()
