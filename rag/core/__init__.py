"""Shared by every stage: the settings, the error types, the data types (documents,
citations, answers), offline tiktoken and text made safe to show. Imports no other stage."""
