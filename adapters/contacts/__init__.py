"""The contacts register: who to write to per municipality, kept outside the event log."""
