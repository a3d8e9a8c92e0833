"""From a question to evidence: hybrid search (Chroma vector query and BM25), the forces a question
names, follow-ups made standalone, sentences scored, and the glossary of policing variants
(variants.py, glossary.txt) that search and the answer checks share. Uses index, documents, core."""
