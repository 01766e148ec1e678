"""Mail: the outbox, the SMTP transport, and what turns the log's events into messages."""
