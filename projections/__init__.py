"""Read models derived from the one event log. Pure logic: storage is an adapter behind a port."""
