"""The app: `streamlit run app.py`. A thin shell; every decision lives in rag/."""

from rag.webapp.shell import main

main()
