"""From a question to evidence: hybrid search (BM25 and vectors), the forces a question
names, follow-ups made standalone, sentences scored. Uses index, documents, core."""
