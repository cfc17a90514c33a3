"""Developers' tools that are not part of the running service (they may use the dev extras)."""
