"""The raw archive: the HTTP response behind every version, its body kept once, compressed.

Bodies are content-addressed by the SHA-256 of their bytes, so a page served
identically twice (to two articles, or before and after a flip-flop) is stored
once. A body is zstd-compressed with the previous body of the same article as
its dictionary (raw content), so a slightly edited page costs little more than
its edits. Every :data:`MAX_CHAIN` links the chain is cut by a body compressed
on its own: reading any body decompresses at most ``MAX_CHAIN + 1`` frames.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, Select, delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from ..errors import NotFoundError
from ..model import Capture
from .rows import to_capture
from .tables import ArticleRow, BodyRow, CaptureRow, VersionRow

if TYPE_CHECKING:
    import zstandard

__all__ = ["MAX_CHAIN", "ArchiveStore", "add_capture", "body_ids", "delete_unused_bodies"]

MAX_CHAIN = 16
"""Bodies compressed against a previous one before one is compressed alone."""

COMPRESSION_LEVEL = 10
"""zstd's level: 0.1 ms for a 150 KB page against its previous version (bench/archive.py)."""


class ArchiveStore:
    """Reads the archived responses, an article at a time."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def article_ids(self, *, source: str | None = None) -> list[int]:
        """The articles with at least one archived response (those of ``source``), oldest first."""
        query = select(ArticleRow.id).where(
            exists().where(
                CaptureRow.version_id == VersionRow.id, VersionRow.article_id == ArticleRow.id
            )
        )
        if source is not None:
            query = query.where(ArticleRow.source == source)
        with self._sessions() as session:
            return list(session.scalars(query.order_by(ArticleRow.id)))

    def captures(self, article_id: int) -> list[Capture]:
        """The article's archived responses, in version order."""
        query = (
            select(CaptureRow, VersionRow.number)
            .join(VersionRow, VersionRow.id == CaptureRow.version_id)
            .where(VersionRow.article_id == article_id)
            .order_by(VersionRow.number)
        )
        with self._sessions() as session:
            bodies = _BodyReader(session)
            return [
                to_capture(row, article_id, number, bodies.read(row.body_id))
                for row, number in session.execute(query)
            ]

    def capture(self, article_id: int, number: int) -> Capture:
        """The response version ``number`` of the article came from; NotFoundError if none."""
        with self._sessions() as session:
            row = session.scalar(_capture_of(article_id, number))
            if row is None:
                raise NotFoundError(
                    f"article {article_id} has no archived page for version {number}"
                )
            return to_capture(row, article_id, number, _BodyReader(session).read(row.body_id))

    def has_capture(self, article_id: int, number: int) -> bool:
        """Whether the page version ``number`` of the article came from is archived."""
        with self._sessions() as session:
            return (
                session.scalar(_capture_of(article_id, number).with_only_columns(CaptureRow.id))
                is not None
            )

    def stale_capture(self, article_id: int, extractor_version: str) -> Capture | None:
        """The page behind the article's latest version, if another extractor made its text."""
        latest = (
            select(VersionRow.id, VersionRow.number, VersionRow.extractor_version)
            .where(VersionRow.article_id == article_id)
            .order_by(VersionRow.number.desc())
            .limit(1)
        )
        with self._sessions() as session:
            found = session.execute(latest).one_or_none()
            if found is None or found.extractor_version == extractor_version:
                return None
            row = session.scalar(select(CaptureRow).where(CaptureRow.version_id == found.id))
            if row is None:
                return None
            return to_capture(row, article_id, found.number, _BodyReader(session).read(row.body_id))

    def iter_captures(self, article_ids: Sequence[int]) -> Iterator[Capture]:
        """Every archived response of ``article_ids``, an article at a time (bounded memory)."""
        for article_id in article_ids:
            yield from self.captures(article_id)


def _capture_of(article_id: int, number: int) -> Select[CaptureRow]:
    return (
        select(CaptureRow)
        .join(VersionRow, VersionRow.id == CaptureRow.version_id)
        .where(VersionRow.article_id == article_id, VersionRow.number == number)
    )


def add_capture(
    session: Session,
    version: VersionRow,
    *,
    url: str,
    fetched_at: datetime,
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes,
) -> None:
    """Archive the response ``version`` was extracted from (``version`` already flushed)."""
    previous = session.scalar(
        select(CaptureRow.body_id)
        .join(VersionRow, VersionRow.id == CaptureRow.version_id)
        .where(VersionRow.article_id == version.article_id, VersionRow.number < version.number)
        .order_by(VersionRow.number.desc())
        .limit(1)
    )
    session.add(
        CaptureRow(
            version_id=version.id,
            url=url,
            fetched_at=fetched_at,
            status=status,
            headers=[[name, value] for name, value in headers],
            body_id=_store_body(session, body, previous),
        )
    )


def body_ids(session: Session, article_id: int) -> set[int]:
    """The bodies of the article's archived responses."""
    query = (
        select(CaptureRow.body_id)
        .join(VersionRow, VersionRow.id == CaptureRow.version_id)
        .where(VersionRow.article_id == article_id)
    )
    return set(session.scalars(query))


def delete_unused_bodies(session: Session, candidates: set[int]) -> int:
    """Delete those of ``candidates`` (and, in turn, of their bases) that nothing uses.

    A body is used while a response names it or another body was compressed against it.
    """
    deleted = 0
    while candidates:
        unused = select(BodyRow.id, BodyRow.base_id).where(
            BodyRow.id.in_(candidates),
            ~exists().where(CaptureRow.body_id == BodyRow.id),
            ~exists().where(_BASE_OF.base_id == BodyRow.id),
        )
        rows = session.execute(unused).all()
        session.execute(delete(BodyRow).where(BodyRow.id.in_([row.id for row in rows])))
        deleted += len(rows)
        candidates = {row.base_id for row in rows if row.base_id is not None}
    return deleted


_BASE_OF = BodyRow.__table__.alias("dependent").c


def _store_body(session: Session, body: bytes, base_id: int | None) -> int:
    """The id of the stored ``body``: the row already holding it, or a new one."""
    digest = hashlib.sha256(body).hexdigest()
    found = session.scalar(select(BodyRow.id).where(BodyRow.sha256 == digest))
    if found is not None:
        return found
    base = session.get(BodyRow, base_id) if base_id is not None else None
    if base is None or base.depth >= MAX_CHAIN:
        base = None  # compressed alone: the chain starts again here
    dictionary = None if base is None else _BodyReader(session).read(base.id)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(BodyRow).values(
        sha256=digest,
        size=len(body),
        base_id=None if base is None else base.id,
        depth=0 if base is None else base.depth + 1,
        data=_compressor(dictionary).compress(body),
    )
    session.execute(statement.on_conflict_do_nothing(index_elements=["sha256"]))
    # another worker may have stored the same bytes just now: either way, this row holds them
    stored = session.scalar(select(BodyRow.id).where(BodyRow.sha256 == digest))
    assert stored is not None
    return stored


class _BodyReader:
    """Decompresses bodies, remembering those read in this session (a chain shares its bases)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._read: dict[int, bytes] = {}

    def read(self, body_id: int) -> bytes:
        chain: list[BodyRow] = []
        next_id: int | None = body_id
        while next_id is not None and next_id not in self._read:
            row = self._session.get_one(BodyRow, next_id)
            chain.append(row)
            next_id = row.base_id
        for row in reversed(chain):
            dictionary = None if row.base_id is None else self._read[row.base_id]
            self._read[row.id] = _decompressor(dictionary).decompress(row.data)
        return self._read[body_id]


# zstandard is imported where a body is (de)compressed: a command that reads no archived
# page (redline list, show) does not load it.


def _compressor(dictionary: bytes | None) -> zstandard.ZstdCompressor:
    import zstandard

    if dictionary is None:
        return zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)
    return zstandard.ZstdCompressor(level=COMPRESSION_LEVEL, dict_data=_dictionary(dictionary))


def _decompressor(dictionary: bytes | None) -> zstandard.ZstdDecompressor:
    import zstandard

    if dictionary is None:
        return zstandard.ZstdDecompressor()
    return zstandard.ZstdDecompressor(dict_data=_dictionary(dictionary))


def _dictionary(content: bytes) -> zstandard.ZstdCompressionDict:
    import zstandard

    return zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
