"""Files going out: the Markdown/HTML/PDF report and safe writing of output files."""
