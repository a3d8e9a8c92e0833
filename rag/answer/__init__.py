"""The offline answer engine: verbatim cited sentences or an abstention, briefings from
the inspector's cue phrases, and the one module that checks citations. Uses retrieve and below."""
