"""The app's page scripts, one per page, as Streamlit runs them (see ``rag.app.shell``)."""
