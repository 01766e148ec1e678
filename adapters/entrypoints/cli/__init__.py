"""The `akkoord` command line: thin commands over adapters.bootstrap."""
