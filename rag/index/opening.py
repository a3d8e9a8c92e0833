"""Opening the index: a local Chroma directory or a `chroma run` server, for writing
(with the model the caller embeds with) or for reading (no model loaded)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from rag.core.errors import ConfigError, RagError
from rag.core.settings import Settings
from rag.index.embeddings import embedding_identity
from rag.index.lexical_store import LexicalStore
from rag.index.store import IndexStore


def open_read_store(settings: Settings) -> IndexStore:
    """The index for reading: no model is loaded, but a model mismatch is still refused."""
    model, dimension = embedding_identity(settings)
    return open_store(settings, model, dimension)


def open_client(settings: Settings) -> ClientAPI:
    """A Chroma server client when RAG_CHROMA_URL is set, else the local directory."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises bare ValueError/ConnectionError here
            raise ConfigError(
                f"Cannot reach the Chroma server at RAG_CHROMA_URL={settings.chroma_url} ({exc}). "
                "Start it with `chroma run --path DIR` or unset RAG_CHROMA_URL."
            ) from None
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


def lexical_folder(settings: Settings) -> Path:
    """Where the collection's BM25 files live: beside a local index, or for a server in a
    folder of its own (each machine keeps its own copy, built from the server)."""
    root = settings.lexical_dir or settings.index_dir / "lexical"
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        root = root / re.sub(r"[^A-Za-z0-9.-]+", "_", f"{url.hostname}_{url.port or ''}")
    return root / settings.collection


def open_store(settings: Settings, model: str, dimension: int | None) -> IndexStore:
    try:
        client = open_client(settings)
        local = None if settings.chroma_url else str(settings.index_dir)
        lexical = LexicalStore(lexical_folder(settings))
        return IndexStore(client, settings.collection, model, dimension, lexical, local)
    except RagError:
        raise
    except Exception as exc:  # a server that vanished, a corrupt directory
        where = settings.chroma_url or settings.index_dir
        raise RagError(f"Cannot open the index at {where}: {exc}") from None
