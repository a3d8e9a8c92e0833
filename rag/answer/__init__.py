"""The offline answer engine: verbatim cited sentences or an abstention (question.py says
what a question asks for, compose.py which span to quote), briefings (findings.py classes
every finding, prose.py frames a sentence by deletion only, deletion.py checks it and the
paragraph's shape, briefing.py assembles them), and the one module that checks citations.
Uses retrieve and below."""
