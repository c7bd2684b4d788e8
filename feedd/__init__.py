"""feedd: a folder of articles and remote feeds in, per-tag and per-language Atom feeds out."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/feedd/feedd"
