"""Changing the knowledge base while it serves: the folder on disk stays the source of truth.

An upload is checked completely before anything is written (a malformed file is refused with every
problem, by line), written atomically (a temporary file renamed into place, so a crash leaves the old
file or the new one, never half of one), embedded, and only then served, by reloading the running
``KnowledgeBase`` from the folder. If embedding fails, the file is put back as it was. Every change
re-runs the same idempotent ``ingest`` as ``touchpoint knowledge ingest``, so an upload and an edit on
disk end in the same state.

Changes are serialised by the knowledge base's lock within one process. Other processes serving the
same folder and store (more server processes, separate workers) see the change at their next query: the
store publishes it as a new version (``knowledge.chroma_store``) and their knowledge base then loads the
folder again (``KnowledgeBase.current_documents``).
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Final

from knowledge.documents import KnowledgeDocument, LoadResult, load_folder, parse_upload
from knowledge.ingest import IngestReport, ingest
from knowledge.retrieval import KnowledgeBase
from knowledge.types import DocType

logger = logging.getLogger(__name__)

# Where an upload without an explicit id goes: the layout docs/knowledge.md describes.
TYPE_FOLDERS: Final = {
    DocType.CASE_STUDY: "case-studies",
    DocType.FAQ: "faqs",
    DocType.OBJECTION: "objections",
    DocType.RESOURCE: "resources",
    DocType.OFFER: "offers",
    DocType.COMPANY_FACT: "company",
}
MAX_ID_LENGTH: Final = 200
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class UploadStatus(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class Upload:
    """A checked upload: where it goes and whether it creates, replaces or changes nothing."""

    document_id: str
    document: KnowledgeDocument
    status: UploadStatus


@dataclass(frozen=True, slots=True)
class UploadResult:
    document: KnowledgeDocument
    status: UploadStatus
    report: IngestReport  # empty when nothing changed


class InvalidDocumentId(ValueError):
    """The id cannot name a file in the folder; the message says what a valid id looks like."""


class DocumentNotFound(LookupError):
    pass


class ReadOnlyKnowledgeBase(RuntimeError):
    """The knowledge base was built from documents in code, not from a folder that could be written."""


class KnowledgeUpdateFailed(RuntimeError):
    """The change could not be embedded; the folder was put back as it was."""


def check_document_id(document_id: str) -> str:
    """A relative path without ``.md``, e.g. ``faqs/parking``; refuses what the loader would skip."""
    value = document_id.strip().strip("/").removesuffix(".md")
    segments = value.split("/")
    if not value or len(value) > MAX_ID_LENGTH or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise InvalidDocumentId(
            f"document id {document_id!r} is not valid: use a relative path without `.md`, made of letters, "
            "digits, `-`, `_` and `.`, each part starting with a letter or digit, e.g. `faqs/parking`"
        )
    if segments[-1].lower() == "readme":
        raise InvalidDocumentId("a file named README is never loaded: choose another id")
    return value


def default_document_id(document: KnowledgeDocument, filename: str | None) -> str:
    """``<type folder>/<name>``: the uploaded file's name if there is one, else the title as a slug."""
    stem = PurePosixPath(filename.replace("\\", "/")).name.removesuffix(".md") if filename else ""
    name = re.sub(r"[^a-z0-9]+", "-", (stem or document.title).lower()).strip("-")[:80].strip("-")
    return f"{TYPE_FOLDERS[document.type]}/{name or 'document'}"


class KnowledgeLibrary:
    """Adds, replaces and deletes documents of a folder-backed ``KnowledgeBase``."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        if knowledge.root is None:
            raise ReadOnlyKnowledgeBase(
                "this knowledge base was not loaded from a folder, so it cannot be changed at run time"
            )
        self.knowledge = knowledge
        self.root: Path = knowledge.root

    def check(self, raw: bytes, *, document_id: str | None = None, filename: str | None = None) -> Upload:
        """Everything ``put`` would refuse, refused now, with nothing written; and what ``put`` would do.

        Raises ``InvalidDocumentId`` or ``knowledge.documents.InvalidDocument`` listing every problem.
        """
        with self.knowledge.lock:
            return self._check(raw, document_id, filename, load_folder(self.root))

    def put(self, raw: bytes, *, document_id: str | None = None, filename: str | None = None) -> UploadResult:
        """Create or replace one document; the same bytes again change nothing.

        Raises what ``check`` raises (nothing written), and ``KnowledgeUpdateFailed`` if the document
        could not be embedded (the folder is then back as it was).
        """
        with self.knowledge.lock:  # checked and written with no other change in between
            loaded = load_folder(self.root)
            upload = self._check(raw, document_id, filename, loaded)
            if upload.status is UploadStatus.UNCHANGED:
                return UploadResult(upload.document, upload.status, IngestReport())
            path = self._path(upload.document.path)
            previous = path.read_bytes() if path.is_file() else None
            new_folders = [p for p in path.parents if not p.exists()]
            _write_atomically(path, raw)
            try:
                # The folder as loaded a moment ago, with this file in its new version: parsed from the
                # same bytes under the same path, it is what loading the folder again would give.
                report = self._sync(
                    _without(loaded, upload.document.path, add=upload.document), upload.document_id
                )
            except KnowledgeUpdateFailed:
                _restore(path, previous)
                for folder in new_folders:  # deepest first, as `parents` lists them
                    folder.rmdir()
                self._resync()
                raise
            logger.info(
                "knowledge.document.saved",
                extra={"document_id": upload.document_id, "status": str(upload.status)},
            )
            return UploadResult(upload.document, upload.status, report)

    def delete(self, document_id: str) -> IngestReport:
        """Remove a document's file and its chunks; it is never retrieved again."""
        rel = f"{document_id}.md"  # any file that exists may go, even one named in a way uploads refuse
        path = self._path(rel)
        with self.knowledge.lock:
            if not path.is_file():
                raise DocumentNotFound(f"no document {document_id!r} in the knowledge folder")
            loaded = load_folder(self.root)
            previous = path.read_bytes()
            path.unlink()
            try:
                report = self._sync(_without(loaded, rel), changed=None)
            except KnowledgeUpdateFailed:
                _restore(path, previous)
                self._resync()
                raise
            logger.info("knowledge.document.deleted", extra={"document_id": document_id})
            return report

    def read(self, document_id: str) -> bytes:
        path = self._path(f"{document_id}.md")
        if not path.is_file():
            raise DocumentNotFound(f"no document {document_id!r} in the knowledge folder")
        return path.read_bytes()

    def _path(self, rel: str) -> Path:
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root.resolve()) or path == self.root.resolve():
            raise InvalidDocumentId(f"{rel!r} is not a file in the knowledge folder")
        return path

    def _check(self, raw: bytes, document_id: str | None, filename: str | None, loaded: LoadResult) -> Upload:
        if document_id is not None:
            document_id = check_document_id(document_id)
        else:
            # The type and title decide where it goes: parse once to learn them, under a provisional
            # name; the file is parsed again below under its real path.
            provisional = parse_upload(raw, PurePosixPath(filename or "upload.md").name, ())
            document_id = check_document_id(default_document_id(provisional, filename))
        path = self._path(f"{document_id}.md")
        document = parse_upload(raw, f"{document_id}.md", loaded.documents)
        previous = path.read_bytes() if path.is_file() else None
        served = self.knowledge.documents.get(document_id)
        if previous == raw and served is not None and served.content_hash == document.content_hash:
            return Upload(document_id, served, UploadStatus.UNCHANGED)
        status = UploadStatus.CREATED if previous is None else UploadStatus.UPDATED
        return Upload(document_id, document, status)

    def _sync(self, folder: LoadResult, changed: str | None) -> IngestReport:
        """Embed what the folder now holds and serve it; raises if ``changed`` could not be embedded."""
        try:
            report = ingest(folder.documents, self.knowledge.store)
        except Exception as exc:  # the store itself failed (e.g. a Chroma server went away)
            raise KnowledgeUpdateFailed(f"the vector store failed ({exc})") from exc
        if changed is not None and changed in report.failed_ids:
            message = next((e for e in report.errors if e.startswith(f"{changed}:")), "embedding failed")
            raise KnowledgeUpdateFailed(message)
        self.knowledge.reload(folder.documents, folder.errors)
        return report

    def _resync(self) -> None:
        """After putting a file back: serve the folder as it is again, if the store allows."""
        try:
            self._sync(load_folder(self.root), changed=None)
        except KnowledgeUpdateFailed:
            logger.exception("knowledge.library.resync_failed")


def _without(loaded: LoadResult, rel: str, *, add: KnowledgeDocument | None = None) -> LoadResult:
    """``loaded`` without the file at ``rel`` (its document or its errors), and with ``add`` if given."""
    documents = [d for d in loaded.documents if d.path != rel] + ([add] if add else [])
    return LoadResult(
        documents=sorted(documents, key=lambda d: d.id), errors=[e for e in loaded.errors if e.path != rel]
    )


def _write_atomically(path: Path, raw: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name starts with "." so that a concurrent load_folder never reads it.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); keep the mode the file had, or the usual 0644.
        os.chmod(temporary, stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644)
        with os.fdopen(handle, "wb") as file:
            file.write(raw)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _restore(path: Path, previous: bytes | None) -> None:
    if previous is None:
        path.unlink(missing_ok=True)
    else:
        _write_atomically(path, previous)
