"""Upgrading a store written by an older akkoord: what version it is, its backup, and the steps
that bring it to the current version without touching the event log or its hashes."""
