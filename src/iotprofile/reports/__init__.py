"""Writers of documents in external formats (OSCAL, JSON, YAML, CSV, Markdown)."""
