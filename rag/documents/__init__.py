"""Files to documents: read a file's text (txt, md, html, pdf), clean it, read its title,
force and paragraphs, and cut it into token-aware chunks. Uses core only."""
