"""The JSON contracts of `rag ask/brief/compare`, as the issue states them: written
out here, not derived from rag.core.types, so a schema change that breaks them fails."""

ANSWER_KEYS = {
    "question",
    "answer",
    "abstained",
    "mode",
    "citations",
    "dropped_citations",
    "usage",
    "latency_ms",
}
# additions beyond the contract
OPTIONAL_ANSWER_KEYS = {"partial", "notice", "unsupported_sentences"}
CITATION_KEYS = {
    "n",
    "document_id",
    "source",
    "force",
    "paragraph",
    "page",
    "section",
    "quote",
    "verified",
}
