"""The Streamlit app's pages and shared resources; `app.py` is only their entry point."""
