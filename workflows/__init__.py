"""Application services (commands and queries) and the process managers that link aggregates."""
