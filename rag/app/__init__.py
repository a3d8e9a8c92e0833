"""The Streamlit app: the frame, one script per page in pages/, what sessions share, and
Markdown downloads. Uses evaluation and below."""
