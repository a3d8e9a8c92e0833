"""The app: `streamlit run app.py`. A thin shell; every decision lives in rag/."""

from rag.app.shell import main

main()
