"""A reading process for the server test: answers search commands from stdin, one JSON
line each, on the index its RAG_* environment names (a `chroma run` server).

Commands: ``search FORCE|QUERY`` (FORCE may be empty), ``refresh``, ``quit``.
"""

from __future__ import annotations

import json
import sys

from rag.core.settings import load_settings
from rag.engine.engine import Engine


def main() -> None:
    engine = Engine(load_settings())
    print(json.dumps({"ready": True, "forces": engine.forces}), flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "quit":
            return
        if command == "refresh":
            engine.searcher.refresh()
            print(json.dumps({"forces": engine.forces}), flush=True)
        elif command == "search":
            force, _, query = argument.partition("|")
            got = engine.searcher.search(query, k=6, force=force or None)
            print(json.dumps([[p.metadata["source"], p.chunk_id] for p in got]), flush=True)


if __name__ == "__main__":
    main()
