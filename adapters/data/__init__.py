"""Package data: the CBS municipality file (see ATTRIBUTION.md: Bron: CBS)."""
