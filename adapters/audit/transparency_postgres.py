"""The transparency log on PostgreSQL: the chained recorder, with each insert also extending the
Merkle tree's compact range and, when due, signing a tree head, in the same transaction (the
events table's lock, taken first by every insert, makes this the tree's only writer)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Composed, Identifier

from adapters.audit.chain import chain_hash
from adapters.audit.keys import SignedHead, Signer, known_public_key
from adapters.audit.merkle import decode_frontier, encode_frontier
from adapters.audit.pipeline import reading
from adapters.audit.postgres_chain import ChainedPostgresProcessRecorder
from adapters.audit.transparency import LEAF_INDEX, TREE_TABLES_POSTGRES, Tree, root_at, wants_head

HEAD_COLUMNS = "tree_size, root_hash, timestamp, key_id, signature"


class TransparentPostgresProcessRecorder(ChainedPostgresProcessRecorder):
    signer: Signer | None = None
    _last: tuple[str, Tree] | None = None  # (chain hash, tree) after this process's last insert

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ) -> None:
        super().__init__(
            datastore,
            events_table_name=events_table_name,
            tracking_table_name=tracking_table_name,
        )
        schema = Identifier(datastore.schema)
        events = Identifier(events_table_name)
        self._tree_tables = [SQL(s).format(schema=schema) for s in TREE_TABLES_POSTGRES]
        self.sql_create_statements.extend(self._tree_tables)

        def q(statement: str) -> Composed:
            return SQL(statement).format(schema=schema, events=events)

        self._state_sql = q("SELECT size, frontier FROM {schema}.merkle_state WHERE id = 1")
        self._put_state = q(
            "INSERT INTO {schema}.merkle_state VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET size = EXCLUDED.size, frontier = EXCLUDED.frontier"
        )
        self._put_head_sql = q(
            f"INSERT INTO {{schema}}.signed_heads ({HEAD_COLUMNS}) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING"
        )
        self._heads_sql = q(
            f"SELECT {HEAD_COLUMNS} FROM {{schema}}.signed_heads ORDER BY tree_size"
        )
        self._head_at = q(
            f"SELECT {HEAD_COLUMNS} FROM {{schema}}.signed_heads WHERE tree_size = %s"
        )
        self._all_digests = q(
            "SELECT position, digest FROM {schema}.event_hashes ORDER BY position"
        )
        self._position_sql = q(
            "SELECT notification_id FROM {schema}.{events} "
            "WHERE originator_id = %s AND originator_version = %s"
        )
        self._checkpoints_sql = q("SELECT position, hash FROM {schema}.audit_checkpoints")
        self._index_sql = q(LEAF_INDEX)
        self._latest_head_sql = q(
            f"SELECT {HEAD_COLUMNS} FROM {{schema}}.signed_heads ORDER BY tree_size DESC LIMIT 1"
        )
        self._head_and_index_sql = q(
            f"SELECT h.*, ({LEAF_INDEX}) AS leaf_index FROM (SELECT {HEAD_COLUMNS} "
            "FROM {schema}.signed_heads ORDER BY tree_size DESC LIMIT 1) h"
        )
        self._tree_exists = SQL("SELECT to_regclass(%s) IS NOT NULL")
        self._tree_regclass = f'"{datastore.schema}".merkle_state'
        h = hashlib.sha256(f"akkoord:{datastore.schema}:tree".encode()).digest()
        self._upgrade_key = int.from_bytes(h[:8], "big", signed=True)

    def use_signer(self, signer: Signer) -> None:
        self.signer = signer

    def leaf_index_of(self, position: int) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._index_sql, {"p": position}, prepare=True)
            row = curs.fetchone()
        return int(row["n"]) if row else 0

    def latest_head(self) -> SignedHead | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._latest_head_sql, prepare=True)
            row = curs.fetchone()
        return None if row is None else self._signed_head(row)

    def latest_head_and_leaf_index(self, position: int) -> tuple[SignedHead, int] | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._head_and_index_sql, {"p": position}, prepare=True)
            row = curs.fetchone()
        return None if row is None else (self._signed_head(row), int(row["leaf_index"]))

    def _after_chain(
        self, curs: Any, hashes: list[tuple[int, str, str]], stored_events: Sequence[StoredEvent]
    ) -> None:
        # The tree this process left after its own last insert is still the tree if the chain
        # goes on from the hash that insert ended with (nobody else wrote, nothing rolled back):
        # then the state need not be read back, a round trip saved on every command.
        known = self._last
        start = None
        if known is not None and hashes:
            position, d, h = hashes[0]
            if chain_hash(known[0], position, d) == h:
                start = Tree(known[1].size, list(known[1].frontier))
        tree = self._grow(
            curs, [(p, d) for p, d, _ in hashes], [e.topic for e in stored_events], start
        )
        if hashes:
            self._last = (hashes[-1][2], tree)

    def _state(self, curs: Any) -> Tree | None:
        with reading(curs) as read:
            read.execute(self._state_sql, prepare=True)
            row = read.fetchone()
        return None if row is None else Tree(int(row["size"]), decode_frontier(row["frontier"]))

    def _grow(
        self, curs: Any, added: list[tuple[int, str]], topics: list[str], start: Tree | None = None
    ) -> Tree:
        tree = start or self._state(curs) or Tree()
        old = tree.size
        for position, d in added:
            tree.append(position, d)
        curs.execute(self._put_state, (tree.size, encode_frontier(tree.frontier)), prepare=True)
        if self.signer is not None and wants_head(old, tree.size, topics):
            self._put_head(curs, self.signer.sign(tree.size, tree.root()))
        return Tree(tree.size, list(tree.frontier))

    def _put_head(self, curs: Any, head: SignedHead) -> None:
        curs.execute(
            self._put_head_sql,
            (head.tree_size, head.root_hash, head.timestamp, head.key_id, head.signature),
        )

    @staticmethod
    def _signed_head(row: Any) -> SignedHead:
        return SignedHead(
            int(row["tree_size"]),
            row["root_hash"],
            row["timestamp"],
            row["key_id"],
            row["signature"],
        )

    def ensure_tree(self) -> int:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._tree_exists, (self._tree_regclass,))
            row = curs.fetchone()
            if row is not None and next(iter(row.values())) and self._state(curs) is not None:
                return 0
        with self.datastore.transaction(commit=True) as curs:
            # A store from before the tree: its tables, once, whichever node gets here first.
            curs.execute("SELECT pg_advisory_xact_lock(%s)", (self._upgrade_key,))
            for statement in self._tree_tables:
                curs.execute(statement)
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)  # no event is written meanwhile
            if self._state(curs) is not None:
                return 0
            curs.execute(self._all_digests)
            added = [(int(r["position"]), str(r["digest"])) for r in curs.fetchall()]
            self._grow(curs, added, [])
            if added and self.signer is not None:
                tree = self._state(curs)
                assert tree is not None
                self._put_head(curs, self.signer.sign(tree.size, tree.root()))
        return len(added)

    def tree(self) -> Tree:
        with self.datastore.transaction(commit=False) as curs:
            return self._state(curs) or Tree()

    def signed_heads(self) -> list[SignedHead]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._heads_sql)
            return [self._signed_head(r) for r in curs.fetchall()]

    def sign_head(self, size: int | None = None) -> SignedHead:
        if self.signer is None:
            raise RuntimeError("this store was opened without its audit key")
        # A given size's leaves never change: its root may be read before the lock is taken.
        # Always from the chain: this process's own tree may be behind the store's (a backup
        # asks for the size of its snapshot while other processes write).
        past = None if size is None else root_at(self.chain_entries(), size)
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            tree = self._state(curs) or Tree()
            wanted = tree.size if size is None else size
            curs.execute(self._head_at, (wanted,))
            row = curs.fetchone()
            if row is not None:
                return self._signed_head(row)
            head = self.signer.sign(wanted, tree.root() if past is None else past)
            self._put_head(curs, head)
        return head

    def checkpoints(self) -> dict[int, str]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._checkpoints_sql)
            return {int(r["position"]): str(r["hash"]) for r in curs.fetchall()}

    def public_key(self) -> Ed25519PublicKey | None:
        return None if self.signer is None else known_public_key(self.signer.path)

    def position_of(self, originator_id: str, version: int) -> int | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(self._position_sql, (originator_id, version))
            row = curs.fetchone()
        return None if row is None else int(row["notification_id"])
