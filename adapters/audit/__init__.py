"""The audit trail inside the store: the hash chain over the log, the Merkle tree and its
signed heads, the recorders that keep them in the events' transaction (with idempotency keys),
proofs, receipts and sealed exports."""
