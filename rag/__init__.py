"""Ask questions of police inspection findings, with checkable citations."""

__version__ = "0.1.0"
