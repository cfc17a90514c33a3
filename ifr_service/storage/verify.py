"""verify_storage(): every stored file's bytes checked against the SHA-256 and size recorded with it.

Files live in the database (docs/decisions/0004-files-kept-in-the-database.md): an attachment's bytes
in `attachment_content`, a letter's PDF in `letter.content`. Records are read a batch at a time
without their bytes; the bytes are then loaded by id range, a few megabytes at a time, so the check
holds one range's files in memory however large the store. Each read is a short transaction of its
own, so a long check holds no snapshot open on a live database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from ifr_service import db
from ifr_service.storage import queries
from ifr_service.storage.queries import StoredFile

RECORDS_PER_BATCH = 500
BYTES_PER_RANGE = 32 * 1024 * 1024  # by the recorded sizes: three 10 MB attachments, or thousands of letters

MISSING = "missing"
ALTERED = "altered"

SOURCES: list[tuple[Callable[[int, int], list[StoredFile]], Callable[[int, int], dict[int, bytes]]]] = [
    (queries.find_attachment_records, queries.find_attachment_contents),
    (queries.find_letter_records, queries.find_letter_contents),
]


@dataclass(frozen=True)
class Problem:
    """A file whose bytes are gone (`missing`) or are not those recorded (`altered`)."""

    file: StoredFile
    problem: str
    stored_size: int | None = None
    stored_sha256: str | None = None

    def as_dict(self) -> dict:
        stored = (None if self.problem == MISSING
                  else {"size_bytes": self.stored_size, "sha256": self.stored_sha256})
        return {"kind": self.file.kind, "id": self.file.id, "case_reference": self.file.case_reference,
                "name": self.file.name, "problem": self.problem,
                "recorded": {"size_bytes": self.file.size_bytes, "sha256": self.file.sha256},
                "stored": stored}

    def describe(self) -> str:
        file = self.file
        where = f'{file.kind} {file.id} of {file.case_reference} "{file.name}"'
        if self.problem == MISSING:
            return f"{where}: missing (its content row is gone)"
        return (f"{where}: altered (recorded {file.size_bytes} bytes, SHA-256 {file.sha256}; "
                f"stored {self.stored_size} bytes, SHA-256 {self.stored_sha256})")


@dataclass
class StorageReport:
    files_checked: int = 0
    bytes_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    _digest: Any = field(default_factory=hashlib.sha256, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def files_digest(self) -> str:
        """One SHA-256 over every file's kind, id and the SHA-256 of its bytes as stored, in order:
        equal before a backup and after its restore when every file came back unchanged."""
        return self._digest.hexdigest()

    def check(self, file: StoredFile, content: bytes | None) -> None:
        self.files_checked += 1
        if content is None:
            self._digest.update(f"{file.kind} {file.id} {MISSING}\n".encode())
            self.problems.append(Problem(file, MISSING))
            return
        sha256 = hashlib.sha256(content).hexdigest()
        self.bytes_checked += len(content)
        self._digest.update(f"{file.kind} {file.id} {sha256}\n".encode())
        if sha256 != file.sha256 or len(content) != file.size_bytes:
            self.problems.append(Problem(file, ALTERED, len(content), sha256))

    def as_dict(self) -> dict:
        return {"ok": self.ok, "files_checked": self.files_checked, "bytes_checked": self.bytes_checked,
                "problems": [problem.as_dict() for problem in self.problems],
                "counts": self.counts, "files_digest": self.files_digest}


def verify_storage(engine: Engine, records_per_batch: int = RECORDS_PER_BATCH,
                   bytes_per_range: int = BYTES_PER_RANGE) -> StorageReport:
    """Check every attachment and letter in the database against its record, and count the
    records a restore must bring back."""
    report = StorageReport()
    for find_records, find_contents in SOURCES:
        for records in _record_batches(engine, find_records, records_per_batch):
            for group in group_by_bytes(records, bytes_per_range):
                with db.unit_of_work(engine):
                    contents = find_contents(group[0].id, group[-1].id)
                for file in group:
                    report.check(file, contents.get(file.id))
    with db.unit_of_work(engine):
        report.counts = queries.count_records()
    return report


def _record_batches(engine: Engine, find_records: Callable[[int, int], list[StoredFile]],
                    limit: int) -> Iterator[list[StoredFile]]:
    after_id = 0
    while True:
        with db.unit_of_work(engine):
            records = find_records(after_id, limit)
        if not records:
            return
        yield records
        after_id = records[-1].id


def group_by_bytes(records: list[StoredFile], budget: int) -> Iterator[list[StoredFile]]:
    """Consecutive records in groups whose recorded sizes add up to no more than `budget` (a file
    larger than the budget is a group of its own)."""
    group: list[StoredFile] = []
    size = 0
    for record in records:
        if group and size + record.size_bytes > budget:
            yield group
            group, size = [], 0
        group.append(record)
        size += record.size_bytes
    if group:
        yield group
