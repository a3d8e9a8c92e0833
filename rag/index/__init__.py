"""The index: the embedding model, sentence vectors stored with each chunk, the Chroma
store and its document registry, the BM25 files of each registry state (terms.py, bm25.py,
lexical_store.py), the writers' lock and `rag doctor`. Uses documents, core."""
