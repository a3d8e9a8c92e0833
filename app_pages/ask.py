"""Ask page (see rag/webapp/chat.py)."""

from rag.webapp.chat import render

render()
