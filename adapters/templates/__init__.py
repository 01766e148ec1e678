"""Package data: Jinja2 templates for reports and the dashboard."""
