"""People-facing words: gettext catalogues (Babel) and Dutch formatting of dates and numbers."""
