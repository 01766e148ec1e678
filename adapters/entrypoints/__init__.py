"""What drives akkoord: the `akkoord` command line, the HTTP API and dashboard, and the
deadline scheduler."""
