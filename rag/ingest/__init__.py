"""Files into the index and out of it: discovery, parse, chunk, embed and commit, each file
on its own, crash-safe; removal. Uses index, documents, core."""
