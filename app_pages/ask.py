"""Ask page (see rag/webapp/chat.py)."""

from rag.app.chat import render

render()
