"""The CLI baseline: one cast as a process of its own, with the bare library.

    python -m adapters.benchmarks.bare_cast POLL_ID MEMBER CHOICE

Opens the store the environment names (PERSISTENCE_MODULE and the rest, set by the benchmark as
akkoord's own), gets the poll, records one event, saves, and exits: what `akkoord consultation
cast` does in its process, without akkoord.
"""

from __future__ import annotations

import sys
from uuid import UUID

from adapters.benchmarks.bare_model import BareApplication, cast_once


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("usage: python -m adapters.benchmarks.bare_cast POLL_ID MEMBER CHOICE\n")
        return 2
    poll_id, member, choice = argv
    app = BareApplication()
    try:
        cast_once(app, UUID(poll_id), member, choice)
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
