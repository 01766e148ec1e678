"""The audit key and signed tree heads: Ed25519 signatures over (tree size, root, time).

The private key lives in a PEM file, `audit-key.pem` in the data directory or the file named by
`AKKOORD_AUDIT_KEY` (`Settings.audit_key_path`; every node of a PostgreSQL store must name the
same one), created with mode 0600 the first time a head is signed and never printed. A head is
signed over a fixed text encoding, so anyone holding the public key can check it without
akkoord.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import InvalidInputError

# cryptography is imported where a key is read, made or used: opening a store (every command)
# only names the key file, and most commands sign nothing.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

HEAD_DOMAIN = "akkoord signed tree head v1"


class KeyFileError(InvalidInputError):
    code = "invalid_key"


def raw_public(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def public_pem(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _read_private(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as e:
        raise KeyFileError(f"{path}: not a readable audit key ({type(e).__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key")
    return key


def _create_private(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes creating it at once keep the first one's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_private(path)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a file: PEM public key, PEM private key, or 64 hex digits."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        data = path.read_bytes()
    except OSError as e:
        raise KeyFileError(f"{path}: cannot read ({e.strerror})") from None
    text = data.decode("ascii", "replace").strip()
    try:
        if "PRIVATE KEY" in text:
            return _read_private(path).public_key()
        if "PUBLIC KEY" in text:
            key = serialization.load_pem_public_key(data)
            if isinstance(key, Ed25519PublicKey):
                return key
            raise KeyFileError(f"{path}: not an Ed25519 public key")
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text))
    except ValueError:
        raise KeyFileError(f"{path}: not an Ed25519 public key (PEM or 64 hex digits)") from None


@dataclass(frozen=True)
class SignedHead:
    tree_size: int
    root_hash: str  # hex
    timestamp: str  # ISO 8601, UTC
    key_id: str
    signature: str  # hex

    def message(self) -> bytes:
        return signed_message(self.tree_size, self.root_hash, self.timestamp)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: object) -> SignedHead:
        if not isinstance(data, dict):
            raise InvalidInputError("a signed head is a JSON object")
        try:
            head = cls(
                int(data["tree_size"]),
                str(data["root_hash"]).lower(),
                str(data["timestamp"]),
                str(data["key_id"]),
                str(data["signature"]).lower(),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidInputError(f"not a signed head (missing or bad {e})") from None
        if head.tree_size < 0 or len(head.root_hash) != 64:
            raise InvalidInputError("not a signed head (bad size or root hash)")
        return head

    def verify(self, key: Ed25519PublicKey) -> str | None:
        """None when `key` signed this head, else why not."""
        from cryptography.exceptions import InvalidSignature

        if key_id(key) != self.key_id:
            return f"signed by key {self.key_id}, not by the given key {key_id(key)}"
        try:
            key.verify(bytes.fromhex(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return f"the signature of the head at size {self.tree_size} is not valid"
        return None


def signed_message(tree_size: int, root_hash: str, timestamp: str) -> bytes:
    """The exact bytes signed: one line per field, nothing left to interpretation."""
    return f"{HEAD_DOMAIN}\n{tree_size}\n{root_hash}\n{timestamp}\n".encode("ascii")


class Signer:
    """Signs heads with the key at `path`, made the first time it is needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key: Ed25519PrivateKey | None = None

    def _private(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = (
                _read_private(self.path) if self.path.exists() else _create_private(self.path)
            )
        return self._key

    def public_key(self) -> Ed25519PublicKey:
        return self._private().public_key()

    def sign(self, tree_size: int, root_hash: bytes) -> SignedHead:
        stamp = datetime.now(UTC).isoformat(timespec="microseconds")
        key = self._private()
        signature = key.sign(signed_message(tree_size, root_hash.hex(), stamp))
        return SignedHead(
            tree_size, root_hash.hex(), stamp, key_id(key.public_key()), signature.hex()
        )


def known_public_key(path: Path) -> Ed25519PublicKey | None:
    """The store's own public key, if its key file exists (verification never creates one)."""
    return _read_private(path).public_key() if path.exists() else None
