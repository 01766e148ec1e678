"""A node loses its database and gets it back: the API says so (503, one JSON error), writes
nothing meanwhile, and works again without a restart once the database is back.

The node reaches PostgreSQL through a TCP relay owned by the test; cutting the relay is what a
node sees when the server restarts or the network between them fails.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from adapters.bootstrap import build, init_database
from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.store import backend_for
from adapters.store.postgres import PostgresBackend
from domain.actor import Actor, Role
from tests.http.support import bearer, consultation_body, issue_tokens
from tests.stores import store_fingerprint

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only("a node losing its PostgreSQL server")]


class Relay:
    """Forwards 127.0.0.1:port to the database; `cut` drops every connection and refuses new
    ones, `restore` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for s in self._open:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def relayed(tmp_path: Path) -> Iterator[tuple[Relay, Settings, Settings]]:
    """(relay, settings through the relay, settings straight to the database) for one store."""
    base = make_url(os.environ["AKKOORD_DATABASE_URL"]).update_query_dict(
        {"schema": f"outage_{uuid.uuid4().hex[:10]}"}
    )
    relay = Relay((base.host or "127.0.0.1", int(base.port or 5432)))
    direct = Settings(tmp_path / "store", database_url=base.render_as_string(False))
    through = Settings(
        tmp_path / "store",
        database_url=base.set(host="127.0.0.1", port=relay.port).render_as_string(False),
    )
    backend = backend_for(direct)
    assert isinstance(backend, PostgresBackend)
    init_database(backend)
    with build(direct) as e:
        e.app.members.load_members(
            read_members_csv(shipped_members_path()),
            actor=Actor(Role.OFFICER, "setup"),
            reason="CBS",
        )
        e.catch_up()
    try:
        yield relay, through, direct
    finally:
        relay.cut()


def test_a_node_without_its_database_answers_503_writes_nothing_and_recovers(
    relayed: tuple[Relay, Settings, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    relay, through, direct = relayed
    # the library tries 10 times, each waiting this long for a connection: keep the test short
    monkeypatch.setenv("GOVERNANCE_POSTGRES_CONNECT_TIMEOUT", "1")
    tokens = issue_tokens(direct)
    with TestClient(create_app(through, scheduler=False)) as client:
        opened = client.post(
            "/api/consultations", json=consultation_body(), headers=bearer(tokens["officer"])
        )
        assert opened.status_code == 201, opened.text
        cid = opened.json()["id"]
        ballot = {"member": "GM0363", "choice": "yes"}
        secretary = bearer(tokens["amsterdam"])
        before = store_fingerprint(direct.data_dir, direct.database_url)

        relay.cut()
        cast = client.post(f"/api/consultations/{cid}/ballots", json=ballot, headers=secretary)
        assert cast.status_code == 503, cast.text
        error = cast.json()["error"]
        assert error["code"] == "storage_unavailable" and "\n" not in error["message"]
        tally = client.get(f"/api/consultations/{cid}/tally", headers=bearer(tokens["officer"]))
        assert tally.status_code == 503
        assert store_fingerprint(direct.data_dir, direct.database_url) == before

        relay.restore()  # no restart of the node
        shown = client.get(f"/api/consultations/{cid}/tally", headers=bearer(tokens["officer"]))
        assert shown.status_code == 200, shown.text
        assert shown.json()["yes_members"] == 0  # the refused ballot is not there
        again = client.post(f"/api/consultations/{cid}/ballots", json=ballot, headers=secretary)
        assert again.status_code == 200, again.text
        shown = client.get(f"/api/consultations/{cid}/tally", headers=bearer(tokens["officer"]))
        assert shown.json()["yes_members"] == 1
