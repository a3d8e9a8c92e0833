"""Briefing page (see rag/app/briefing_page.py)."""

from rag.app.briefing_page import render

render()
