"""PostgreSQL: the command and rebuild figures against the server `--database-url` names.

Every store of the run gets a fresh schema on that server (akkoord's, the bare library's beside
it, the synthetic log's), all dropped at the end whatever happens; the URL's own schema is never
touched. The baselines run on the same server, with the environment akkoord's event store gets
there (its aggregate cache, pool, the library's database functions).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from adapters.benchmarks.commands import Where, command_figures
from adapters.benchmarks.figures import Config, Figure, Target
from adapters.benchmarks.logs import write_log
from adapters.benchmarks.pg_schemas import bench_schemas
from adapters.benchmarks.rebuild import measure_rebuilds, rebuild_figures, size_label
from adapters.benchmarks.tree_overhead import LONGER, tree_overhead_figure
from adapters.config.settings import Settings
from adapters.store import backend_for

PREFIX = "pg."
REBUILD_TARGET = Target.ratio_at_least(0.5)


def _release(settings: Settings) -> None:
    """Close the connection pool a backend keeps for these settings (before its schema goes)."""
    close: Callable[[], None] | None = getattr(backend_for(settings), "close", None)
    if close is not None:
        close()


def postgres_figures(
    root: Path, config: Config, url: str, progress: Callable[[str], None]
) -> list[Figure]:
    figures: list[Figure] = []
    with bench_schemas(url) as schemas:
        akkoord = Settings(root / "pg-commands", database_url=schemas.url_for("akkoord"))
        baseline = Settings(root / "pg-baseline", database_url=schemas.url_for("baseline"))
        schemas.create(baseline.database_url or "")
        progress(f"PostgreSQL commands: {config.pg_commands} cast-ballot commands, in turns")
        try:
            found, _ = command_figures(
                Where(PREFIX, akkoord, baseline, config.pg_commands, config.pg_commands), config
            )
        finally:
            _release(akkoord)
            _release(baseline)
        figures += found
        tree = Settings(root / "pg-tree", database_url=schemas.url_for("tree"))
        no_tree = Settings(root / "pg-no-tree", database_url=schemas.url_for("no_tree"))
        timed = 2 * LONGER * config.pg_commands
        progress(f"PostgreSQL audit: {timed} commands each, with and without the tree")
        try:
            figures.append(
                tree_overhead_figure(tree, no_tree, config, config.pg_commands, prefix=PREFIX)
            )
        finally:
            _release(tree)
            _release(no_tree)
        size = config.pg_log_size
        log = Settings(root / f"pg-log-{size_label(size)}", database_url=schemas.url_for("log"))
        progress(f"PostgreSQL: writing a synthetic log of {size:,} events")
        try:
            write_log(log.data_dir, size, database_url=log.database_url)
        finally:
            _release(log)
        progress("PostgreSQL rebuild: read-and-decode and projection rebuild, in subprocesses")
        assert log.database_url is not None
        runs = measure_rebuilds(
            {size: log.data_dir}, config.rebuild_rounds, {size: log.database_url}
        )
        figures += rebuild_figures(runs, prefix=PREFIX, target=REBUILD_TARGET, backend="PostgreSQL")
    return figures
