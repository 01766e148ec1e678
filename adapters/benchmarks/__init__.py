"""`akkoord bench`: what akkoord costs on the current backend, each figure beside a baseline.

Every figure is measured in the same run as its baseline, on the same kind of store in a temp
directory: the bare eventsourcing library doing the same kind of work without akkoord, or raw
`sqlite3`. The modules are named after what they measure:

- `commands`: cast-ballot commands per second, each committed on its own;
- `bulk`: members load and scenario import, events per second;
- `rebuild`: projection rebuild, events per second, in a subprocess;
- `as_of`: status-as-of query latency on logs of two sizes;
- `tally`: tally reads and per-ballot updates with a synthetic electorate of 100,000 members;
- `memory`: peak memory of a rebuild, at two log sizes.

`baselines` holds what they are compared with, `logs` writes synthetic logs fast (the real
domain, the real mapper, the library's batched save), `worker` is the subprocess entry point,
and `runner` runs them all in order.
"""
