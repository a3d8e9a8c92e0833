"""The one settings object: environment variables (prefix ``RAG_``) and ``.env``.

Every module takes a :class:`Settings`; nothing else reads the environment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.core.errors import ConfigError
from rag.core.types import Mode

EmbeddingBackend = Literal["offline", "openai"]
AnswerMode = Literal["auto", "offline", "llm"]

LLM_NEEDED = (
    "LLM mode needs OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (a compatible server such as "
    "Ollama, vLLM or llama.cpp); set one, or use --mode offline (RAG_MODE=offline)."
)


class Settings(BaseSettings):
    """Effective configuration. Field names map to ``RAG_<NAME>`` variables."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # --- where the index lives -------------------------------------------------
    index_dir: Path = Field(
        Path(".rag-index"), description="Directory of the local Chroma index (and audit log)."
    )
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (`chroma run`); used instead of index_dir."
    )
    lexical_dir: Path | None = Field(
        None,
        description="Directory of the BM25 index files (default: index_dir/lexical; with a "
        "Chroma server, one folder per server under it, built from the server on first use).",
    )
    cache_dir: Path | None = Field(
        default_factory=lambda: Path(
            os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "rag"
        ),
        description="Where built evaluation indexes are kept for the next `rag eval` "
        "(blank: none kept).",
    )
    data_dir: Path = Field(
        Path("data"), description="Documents the app ingests on first start if the index is empty."
    )
    collection: str = Field(
        "inspections", min_length=3, max_length=60, description="Chroma collection name prefix."
    )

    # --- embeddings ------------------------------------------------------------
    embedding_backend: EmbeddingBackend = Field(
        "offline", description="offline (bundled MiniLM ONNX model) or openai."
    )
    openai_embedding_model: str = Field(
        "text-embedding-3-small", description="Embedding model used when the backend is openai."
    )
    embed_batch_size: int = Field(32, ge=1, le=1024, description="Chunks embedded per batch.")

    # --- language model --------------------------------------------------------
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "RAG_OPENAI_API_KEY"),
        description="Key for OpenAI or a compatible server.",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "RAG_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp).",
    )
    chat_model: str = Field("gpt-4o-mini", description="Chat model name for LLM mode.")
    judge_model: str | None = Field(
        None, description="Model that judges answers in `rag eval` (default: RAG_CHAT_MODEL)."
    )
    mode: AnswerMode = Field(
        "auto", description="auto: LLM when a key or base URL is set, else offline."
    )
    llm_timeout_s: float = Field(
        30.0, gt=0, le=600, description="Deadline of one whole LLM answer, retries included."
    )
    llm_max_retries: int = Field(
        2, ge=0, le=10, description="Retries (429, 5xx, refused) within that deadline."
    )
    context_window: int = Field(8192, ge=512, description="The chat model's context window.")
    answer_tokens: int = Field(600, ge=32, description="Tokens reserved for the model's answer.")

    max_question_chars: int = Field(
        2000,
        ge=100,
        le=100_000,
        description="Longest question accepted; a longer one is refused with this setting named.",
    )
    offline_min_score: float = Field(
        0.44,
        ge=0,
        le=2,
        description="Offline engine: abstain below this evidence score (evals/calibrate.py).",
    )

    # --- chunking --------------------------------------------------------------
    encoding: str = Field("cl100k_base", description="tiktoken encoding used to count tokens.")
    chunk_tokens: int = Field(200, ge=32, le=2000, description="Largest chunk, in tokens.")
    chunk_overlap: int = Field(30, ge=0, le=500, description="Overlap between split chunks.")

    # --- input limits ----------------------------------------------------------
    max_file_mb: float = Field(50.0, gt=0, description="Largest file accepted for ingestion.")
    max_files: int = Field(10_000, ge=1, description="Most files accepted in one ingest run.")
    lock_timeout_s: float = Field(
        5.0, ge=0, le=600, description="How long a writer waits for a busy index before giving up."
    )

    @field_validator("chroma_url", "openai_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("openai_api_key", "cache_dir", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """A blank value is none: an empty key (``OPENAI_API_KEY=``, as in many .env
        templates) must not switch on LLM mode; ``RAG_CACHE_DIR=`` keeps nothing."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @model_validator(mode="after")
    def _overlap_below_size(self) -> Settings:
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError("RAG_CHUNK_OVERLAP must be smaller than RAG_CHUNK_TOKENS")
        return self

    @property
    def llm_configured(self) -> bool:
        return self.openai_api_key is not None or self.openai_base_url is not None

    def answer_mode(self, requested: str | None = None) -> Mode:
        """The one place an answer mode is resolved: ``requested`` (else RAG_MODE); "auto"
        is the LLM when one is configured. Asking for "llm" without one is a ConfigError."""
        mode = requested or self.mode
        if mode == "llm" and not self.llm_configured:
            raise ConfigError(LLM_NEEDED)
        if mode == "auto":
            return "llm" if self.llm_configured else "offline"
        return "llm" if mode == "llm" else "offline"

    def masked(self) -> dict[str, Any]:
        """Effective settings as plain values, secrets masked, keyed by variable name."""
        out: dict[str, Any] = {}
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                value = f"{secret[:3]}…{secret[-2:]}" if len(secret) > 8 else "***"
            elif isinstance(value, Path):
                value = str(value)
            alias = field.validation_alias
            env = alias.choices[0] if isinstance(alias, AliasChoices) else f"RAG_{name.upper()}"
            out[str(env)] = value
        return out


def _variable_for(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "settings"
    name = str(loc[0])
    field = Settings.model_fields.get(name)
    if field and isinstance(field.validation_alias, AliasChoices):
        return str(field.validation_alias.choices[0])
    return name if name.isupper() else f"RAG_{name.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment and ``.env``; a bad value raises ConfigError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{_variable_for(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ConfigError(
            f"Invalid setting ({problems}). Fix the variable or .env entry."
        ) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings for the CLI and app (tests build their own)."""
    return load_settings()
