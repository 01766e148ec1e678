"""Everything that touches the outside world: storage, CLI, logging, files, wiring."""
