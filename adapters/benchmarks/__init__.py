"""`akkoord bench`: what akkoord costs on the current backend, each figure beside a baseline.

Every figure is measured in the same run as its baseline, on the same kind of store in a temp
directory (or fresh schemas on a PostgreSQL server): the bare eventsourcing library configured
like akkoord's event store doing the same kind of work without akkoord, or raw `sqlite3`. Most
figures take turns with their baseline, round after round, and report median and minimum. The
modules are named after what they measure:

- `commands`: cast-ballot commands per second, each committed on its own;
- `serving`: HTTP casts per second and their median latency, `akkoord serve` against a bare
  FastAPI server (`bare_server`), both real subprocesses;
- `processes`: a CLI cast as a process, against a one-shot script (`bare_cast`);
- `on_postgres`: the command and rebuild figures on a PostgreSQL server (`pg_schemas`);
- `bulk`: members load and scenario import, events per second;
- `rebuild`: projection rebuild, events per second, in a subprocess;
- `as_of`: status-as-of query latency on logs of two sizes;
- `tally`: tally reads and per-ballot updates with a synthetic electorate of 100,000 members;
- `memory`: peak memory of a rebuild, at two log sizes.

`baselines` and `bare_model` hold what they are compared with, `subjects` the stores and
processes of the HTTP and CLI figures, `logs` writes synthetic logs fast (the real domain, the
real mapper, the library's batched save), `worker` is the rebuild subprocess's entry point, and
`runner` runs them all in order.
"""
