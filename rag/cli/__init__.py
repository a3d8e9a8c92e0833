"""The `rag` command line (typer): one module per kind of command, including `rag app`.
The top stage: may use every other."""
