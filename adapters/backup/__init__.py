"""Backups that prove themselves: a consistent copy of a running store in one file, ending at a
head signed for it, that `restore` and `backup --verify` check event by event before trusting."""
