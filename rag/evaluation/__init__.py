"""The evaluation suite: reference sets and fictional corpus (package data in shipped/),
metrics, the LLM judge, reports, charts and the quality gate. Uses engine and below."""
