"""Ask page (see rag/app/chat.py)."""

from rag.app.chat import render

render()
