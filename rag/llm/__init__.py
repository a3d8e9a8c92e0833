"""LLM mode: a chat model writes answers and briefings from the retrieved evidence; prompts
are files in prompts/; every citation goes through the answer stage's checks. Uses answer
and below (a chat model and a retrieval function, never the engine)."""
