"""The engine the CLI, app and evaluation share: answers in the mode resolved by the
settings (offline, or the LLM with the offline answer as fallback), briefings, comparisons
and the audit log. Uses llm and below."""
