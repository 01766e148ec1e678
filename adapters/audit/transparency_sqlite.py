"""The transparency log on SQLite: the chained recorder, with each insert also extending the
Merkle tree's compact range and, when due, signing a tree head, in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteCursor

from adapters.audit.chain import ChainedSQLiteProcessRecorder, chain_hash
from adapters.audit.keys import SignedHead, Signer, known_public_key
from adapters.audit.merkle import decode_frontier, encode_frontier
from adapters.audit.transparency import TREE_TABLES_SQLITE, Tree, root_at, wants_head

if TYPE_CHECKING:  # cryptography is loaded where a key is used (adapters.audit.keys)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HEAD_COLUMNS = "tree_size, root_hash, timestamp, key_id, signature"
# The stored compact range is written every PERSIST_EVERY leaves (and at every signed head), not
# on every insert: one page fewer in each command's commit. It covers the leaves up to position
# `upto`; whoever reads it appends the few leaves after that from `event_hashes`. (NULL `upto`:
# a state written by an akkoord that wrote it on every insert, so it is the whole log's.)
PERSIST_EVERY = 64
LEAF_INDEX_SQLITE = (
    "SELECT CASE WHEN :p * 2 > (SELECT max(position) FROM event_hashes) "
    "THEN (SELECT size FROM merkle_state WHERE id = 1) + (SELECT count(*) FROM event_hashes "
    "WHERE position > (SELECT coalesce(upto, 9223372036854775807) FROM merkle_state WHERE id = 1)) "
    "- (SELECT count(*) FROM event_hashes WHERE position >= :p) "
    "ELSE (SELECT count(*) FROM event_hashes WHERE position < :p) END AS n"
)


# The latest head and one event's leaf index, in one read (a ballot's receipt asks both).
HEAD_AND_LEAF_INDEX_SQLITE = (
    f"SELECT h.*, ({LEAF_INDEX_SQLITE}) FROM (SELECT {HEAD_COLUMNS} "
    "FROM signed_heads ORDER BY tree_size DESC LIMIT 1) h"
)


def _head(row: Any) -> SignedHead:
    """A `signed_heads` row (its HEAD_COLUMNS first) as a SignedHead."""
    return SignedHead(int(row[0]), row[1], row[2], row[3], row[4])


class TransparentSQLiteProcessRecorder(ChainedSQLiteProcessRecorder):
    signer: Signer | None = None
    _last: tuple[str, Tree] | None = None  # (chain hash, tree) after this process's last insert

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *TREE_TABLES_SQLITE]

    def use_signer(self, signer: Signer) -> None:
        self.signer = signer

    def _after_chain(
        self,
        c: SQLiteCursor,
        hashes: list[tuple[int, str, str]],
        stored_events: Sequence[StoredEvent],
    ) -> None:
        # The tree this process left after its own last insert is still the tree if the chain
        # goes on from the hash that insert ended with (nobody else wrote, nothing rolled back):
        # then the state need not be read back and decoded on every command.
        known = self._last
        start = None
        if known is not None and hashes:
            position, d, h = hashes[0]
            if chain_hash(known[0], position, d) == h:
                start = Tree(known[1].size, list(known[1].frontier))
        tree = self._grow(
            c, [(p, d) for p, d, _ in hashes], [e.topic for e in stored_events], start
        )
        if hashes:
            self._last = (hashes[-1][2], tree)

    def _state(self, c: SQLiteCursor, before: int | None = None) -> Tree | None:
        """The tree over the log (over the leaves before position `before`: an insert reads
        the tree its own events, already in `event_hashes`, are to extend)."""
        c.execute("SELECT size, frontier, upto FROM merkle_state WHERE id = 1")
        row = c.fetchone()
        if row is None:
            return None
        tree = Tree(int(row[0]), decode_frontier(row[1]))
        if row[2] is not None:  # the leaves since the state was last written
            c.execute(
                "SELECT position, digest FROM event_hashes WHERE position > ? AND position < ? "
                "ORDER BY position",
                (int(row[2]), 9223372036854775807 if before is None else before),
            )
            for position, d in c.fetchall():
                tree.append(int(position), str(d))
        return tree

    def _grow(
        self,
        c: SQLiteCursor,
        added: list[tuple[int, str]],
        topics: list[str],
        start: Tree | None = None,
    ) -> Tree:
        tree = start or self._state(c, before=added[0][0] if added else None) or Tree()
        old = tree.size
        for position, d in added:
            tree.append(position, d)
        head = self.signer is not None and wants_head(old, tree.size, topics)
        if start is None or head or tree.size // PERSIST_EVERY > old // PERSIST_EVERY:
            c.execute(
                "INSERT OR REPLACE INTO merkle_state VALUES (1, ?, ?, ?)",
                (tree.size, encode_frontier(tree.frontier), added[-1][0] if added else 0),
            )
        if head and self.signer is not None:
            self._put_head(c, self.signer.sign(tree.size, tree.root()))
        return Tree(tree.size, list(tree.frontier))

    def _put_head(self, c: SQLiteCursor, head: SignedHead) -> None:
        c.execute(
            f"INSERT OR IGNORE INTO signed_heads ({HEAD_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
            (head.tree_size, head.root_hash, head.timestamp, head.key_id, head.signature),
        )

    def ensure_tree(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT name FROM pragma_table_info('merkle_state')")
            columns = {str(r[0]) for r in c.fetchall()}
        if "upto" not in columns:  # a store from before the state was written lazily
            with self.datastore.transaction(commit=True) as c:
                c.execute("DELETE FROM merkle_state WHERE id = 0")  # the write lock first
                c.execute("SELECT name FROM pragma_table_info('merkle_state')")
                if "upto" not in {str(r[0]) for r in c.fetchall()}:  # nobody else added it
                    c.execute("ALTER TABLE merkle_state ADD COLUMN upto INTEGER")
        with self.datastore.transaction(commit=False) as c:
            if self._state(c) is not None:
                return 0
        with self.datastore.transaction(commit=True) as c:
            # A write first: SQLite's write lock is then ours before anything is read.
            c.execute("DELETE FROM merkle_state WHERE id = 0")
            if self._state(c) is not None:
                return 0
            c.execute("SELECT position, digest FROM event_hashes ORDER BY position")
            added = [(int(r[0]), str(r[1])) for r in c.fetchall()]
            self._grow(c, added, [])
            if added and self.signer is not None:
                tree = self._state(c)
                assert tree is not None
                self._put_head(c, self.signer.sign(tree.size, tree.root()))
        return len(added)

    def tree(self) -> Tree:
        with self.datastore.transaction(commit=False) as c:
            return self._state(c) or Tree()

    def signed_heads(self) -> list[SignedHead]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT {HEAD_COLUMNS} FROM signed_heads ORDER BY tree_size")
            return [_head(r) for r in c.fetchall()]

    def sign_head(self, size: int | None = None) -> SignedHead:
        if self.signer is None:
            raise RuntimeError("this store was opened without its audit key")
        # A given size's leaves never change: its root may be read before the lock is taken.
        # Always from the chain: this process's own tree may be behind the store's (a backup
        # asks for the size of its snapshot while other processes write).
        past = None if size is None else root_at(self.chain_entries(), size)
        with self.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM merkle_state WHERE id = 0")  # take the write lock first
            tree = self._state(c) or Tree()
            wanted = tree.size if size is None else size
            c.execute(f"SELECT {HEAD_COLUMNS} FROM signed_heads WHERE tree_size = ?", (wanted,))
            row = c.fetchone()
            if row is not None:
                return _head(row)
            head = self.signer.sign(wanted, tree.root() if past is None else past)
            self._put_head(c, head)
        return head

    def checkpoints(self) -> dict[int, str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT position, hash FROM audit_checkpoints")
            return {int(r[0]): str(r[1]) for r in c.fetchall()}

    def public_key(self) -> Ed25519PublicKey | None:
        return None if self.signer is None else known_public_key(self.signer.path)

    def leaf_index_of(self, position: int) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(LEAF_INDEX_SQLITE, {"p": position})
            row = c.fetchone()
        return int(row[0])

    def latest_head(self) -> SignedHead | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT {HEAD_COLUMNS} FROM signed_heads ORDER BY tree_size DESC LIMIT 1")
            row = c.fetchone()
        return None if row is None else _head(row)

    def latest_head_and_leaf_index(self, position: int) -> tuple[SignedHead, int] | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(HEAD_AND_LEAF_INDEX_SQLITE, {"p": position})
            row = c.fetchone()
        return None if row is None else (_head(row), int(row[5]))

    def position_of(self, originator_id: str, version: int) -> int | None:
        from uuid import UUID

        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT rowid FROM stored_events "
                "WHERE originator_id = ? AND originator_version = ?",
                (UUID(originator_id).hex, version),
            )
            row = c.fetchone()
        return None if row is None else int(row[0])
