"""Back to the seed after a test, with no hand-kept list of tables.

The seed is what the suite's database holds once it is migrated and loaded (reference data, the demo
users and panel). Taken from the metadata and the database itself when the app is built, it says which
tables the seed left empty and, for each table it filled, the highest key it used. Going back to it
deletes every row of the first and every row beyond that key of the second: a new table is covered the
day its model is written.

Only the tables a test wrote to are touched, found in one query; most tests write to a handful. DELETE
rather than TRUNCATE: these tables hold a few rows after a test, and PostgreSQL's TRUNCATE makes new
files for every table and index it names, which took longer than the test itself. The triggers that
keep the audit log and case events append-only refuse a DELETE: each is set aside (PostgreSQL: disabled;
SQLite: dropped and made again from its own SQL) for the DELETE and back before the transaction ends,
found in the database's catalogue like the tables. Rolling each test
back instead was not possible here: requests, jobs and the browser tests' live server commit in units
of work of their own (ifr_service/db.py), on other threads and, for the rq worker, other connections.

A row a test changed in a seeded table (a user's role, say) stays changed: tests/users/restore.py puts
people back for the tests that change them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, Integer, text

from ifr_service.models import metadata

# The triggers that refuse a DELETE, as (table, trigger, SQL): on PostgreSQL tgtype's bit 3 is DELETE.
GUARDS_POSTGRESQL = """
SELECT c.relname, t.tgname, '' FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND (t.tgtype & 8) <> 0 AND c.relnamespace = current_schema()::regnamespace
"""
GUARDS_SQLITE = """
SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' AND upper(sql) LIKE '% DELETE ON %'
"""


MOVED_SEQUENCES = ("SELECT schemaname || '.' || sequencename FROM pg_sequences "
                   "WHERE schemaname = current_schema() AND last_value IS NOT NULL")


@dataclass(frozen=True)
class Seed:
    tables: tuple[str, ...]  # every table, parents before the tables that refer to them
    highest: dict[str, int | None]  # per table, the highest key the seed used; None when it left it empty
    keys: dict[str, str]  # per table, its single integer key column (a table without one: rows never added)
    sequences: dict[str, str]  # PostgreSQL: per table the seed left empty, its key's sequence
    guards: dict[str, list[tuple[str, str]]]  # per table, the triggers refusing a DELETE: (name, SQL)
    # PostgreSQL: the sequences of every table's key; any other sequence a test moved (the case
    # references' per route and year) starts again from 1.
    key_sequences: frozenset[str] = frozenset()

    @classmethod
    def take(cls, engine: Engine) -> Seed:
        tables = tuple(table.name for table in metadata.sorted_tables)
        keys = {}
        for table in metadata.sorted_tables:
            key = list(table.primary_key.columns)
            if len(key) == 1 and isinstance(key[0].type, Integer):
                keys[table.name] = key[0].name
        highest, sequences = {}, {}
        with engine.connect() as connection:
            for name in tables:
                rows = connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                if not rows:
                    highest[name] = None
                elif name in keys:
                    highest[name] = connection.execute(
                        text(f"SELECT max({keys[name]}) FROM {name}")).scalar_one()
            guards: dict[str, list[tuple[str, str]]] = {}
            for table, trigger, sql in connection.execute(text(
                    GUARDS_POSTGRESQL if engine.dialect.name == "postgresql" else GUARDS_SQLITE)):
                guards.setdefault(table, []).append((trigger, sql))
            key_sequences = set()
            if engine.dialect.name == "postgresql":
                for name in tables:
                    if name not in keys:
                        continue
                    sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                                  {"t": name, "c": keys[name]}).scalar_one()
                    if sequence:
                        key_sequences.add(sequence)
                        if highest.get(name, 0) is None:
                            sequences[name] = sequence
        return cls(tables, highest, keys, sequences, guards, frozenset(key_sequences))

    def _beyond(self, name: str) -> str:
        """The rows of a table that the seed did not put there."""
        if self.highest[name] is None:
            return ""
        return f" WHERE {self.keys[name]} > {int(self.highest[name])}"

    def _watched(self) -> list[str]:
        return [name for name in self.tables if name in self.highest]

    def written(self, connection) -> set[str]:
        """The tables holding rows the seed did not (or, on PostgreSQL, whose key sequence has moved)."""
        checks = []
        for name in self._watched():
            check = f"EXISTS (SELECT 1 FROM {name}{self._beyond(name)})"
            if name in self.sequences:
                check += f" OR (SELECT is_called FROM {self.sequences[name]})"
            checks.append(f"SELECT '{name}' WHERE {check}")
        return {row[0] for row in connection.execute(text(" UNION ALL ".join(checks)))}

    def restore(self, engine: Engine) -> None:
        postgresql = engine.dialect.name == "postgresql"
        with engine.begin() as connection:
            written = self.written(connection)
            for name in reversed(self._watched()):
                if name not in written:
                    continue
                guards = self.guards.get(name, [])
                for trigger, _ in guards:
                    connection.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER {trigger}" if postgresql
                                            else f"DROP TRIGGER {trigger}"))
                connection.execute(text(f"DELETE FROM {name}{self._beyond(name)}"))
                for trigger, sql in guards:
                    connection.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER {trigger}" if postgresql
                                            else sql))
            for name in written & set(self.sequences):
                connection.execute(text("SELECT setval(:s, 1, false)"), {"s": self.sequences[name]})
            if postgresql:
                for (sequence,) in connection.execute(text(MOVED_SEQUENCES)):
                    if sequence not in self.key_sequences:
                        connection.execute(text("SELECT setval(:s, 1, false)"), {"s": sequence})
