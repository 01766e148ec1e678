"""Ids of aggregates with a natural key are uuid5 of that key: a key always finds its aggregate."""

from __future__ import annotations

from uuid import UUID, uuid5

NAMESPACE = UUID("4a1f6b2e-6d1c-5b7a-9c1e-2f0d8a3b7c55")


def natural_id(kind: str, key: str) -> UUID:
    return uuid5(NAMESPACE, f"{kind}:{key}")
