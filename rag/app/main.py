"""The script Streamlit runs for `rag app` (the repository's ``app.py`` is the same)."""

from rag.app.shell import main

main()
