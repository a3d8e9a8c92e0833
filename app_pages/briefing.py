"""Briefing page (see rag/webapp/briefing_page.py)."""

from rag.webapp.briefing_page import render

render()
