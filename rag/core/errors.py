"""One exception hierarchy. Every message says what went wrong and what to do."""


class RagError(Exception):
    """Base class: the CLI and app show ``str(error)`` to the user, never a traceback."""


class ConfigError(RagError):
    """A setting is missing or invalid; the message names the variable."""


class RejectedInput(RagError):
    """A file cannot be ingested; the message says why and what to do."""


class IndexMismatch(RagError):
    """The index was built with another embedding model or an incompatible layout."""


class IndexBusy(RagError):
    """Another process is writing to the same index."""


class ModelAssetError(RagError):
    """A bundled model or tokenizer file is missing or corrupt."""


class LLMError(RagError):
    """The language model service failed after bounded retries."""
