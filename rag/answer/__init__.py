"""The offline answer engine: verbatim cited sentences or an abstention (question.py says
what a question asks for, compose.py which span to quote), briefings from the inspector's
cue phrases, and the one module that checks citations. Uses retrieve and below."""
