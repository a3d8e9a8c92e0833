"""The index: the embedding model, sentence vectors stored with each chunk, the Chroma
store and its document registry, the writers' lock and `rag doctor`. Uses documents, core."""
