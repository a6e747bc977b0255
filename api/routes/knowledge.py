"""The knowledge base over HTTP: search it as the agent would, and (admins) change its documents.

The knowledge folder stays the source of truth: an upload is checked completely before anything is
written, then written, embedded and served (``knowledge/library.py``). Changes are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import AfterValidator, BaseModel
from starlette.datastructures import UploadFile

from agent.container import Services
from agent.domain import UserRole
from agent.services import knowledge as knowledge_changes
from agent.users import Principal
from api.deps import PrincipalDep, ServicesDep, SessionDep
from api.problems import Problem
from api.schemas import ListOf, Slug
from knowledge.documents import InvalidDocument, KnowledgeDocument
from knowledge.library import (
    DocumentNotFound,
    InvalidDocumentId,
    KnowledgeLibrary,
    KnowledgeUpdateFailed,
    ReadOnlyKnowledgeBase,
    UploadStatus,
)
from knowledge.types import PURPOSE_TYPES, DocType, RetrievalQuery, Source

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"])

MARKDOWN_TYPES = ("", "text/markdown", "text/x-markdown", "text/plain", "application/octet-stream")


# --- Schemas ---------------------------------------------------------------------------------------


class SourcePublic(BaseModel):
    """A source as a draft would cite it: ``text`` is the exact chunk, ``score`` its cosine similarity."""

    id: str
    type: DocType
    title: str
    url: str | None
    score: float
    text: str
    customer: str | None
    figures: list[str]

    @classmethod
    def of(cls, source: Source) -> SourcePublic:
        return cls(
            id=source.id,
            type=source.type,
            title=source.title,
            url=source.url,
            score=round(source.score, 4),
            text=source.text,
            customer=source.customer,
            figures=list(source.figures),
        )


class DocumentPublic(BaseModel):
    id: str
    type: DocType
    title: str
    path: str
    url: str | None
    industries: list[str]
    services: list[str]
    stages: list[str]
    customer: str | None
    problem: str | None
    result: str | None
    figures: list[str]
    expires: date | None
    content_hash: str

    @classmethod
    def of(cls, document: KnowledgeDocument) -> DocumentPublic:
        return cls(
            id=document.id,
            type=document.type,
            title=document.title,
            path=document.path,
            url=document.url,
            industries=list(document.industries),
            services=list(document.services),
            stages=list(document.stages),
            customer=document.customer,
            problem=document.problem,
            result=document.result,
            figures=list(document.figures),
            expires=document.expires,
            content_hash=document.content_hash,
        )


class DocumentDetail(DocumentPublic):
    body: str
    markdown: str | None  # the file exactly as stored: edit it and upload it again


class LoadErrorPublic(BaseModel):
    path: str
    line: int
    message: str


class DocumentList(BaseModel):
    data: list[DocumentPublic]
    count: int
    errors: list[LoadErrorPublic]  # files in the folder that do not load, by line, with the fix


class UploadOutcome(BaseModel):
    status: Literal["created", "updated", "unchanged"]
    document: DocumentPublic
    chunks_written: int
    chunks_deleted: int


# --- Dependencies ----------------------------------------------------------------------------------


def require_admin(principal: PrincipalDep) -> Principal:
    if principal.role is not UserRole.ADMIN:
        raise Problem(
            403,
            "Forbidden",
            "only an admin can change the knowledge base; ask an admin, or use a key created with "
            "`touchpoint users create-key EMAIL --admin`",
            code="forbidden",
        )
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]


def get_library(services: ServicesDep) -> KnowledgeLibrary:
    try:
        return KnowledgeLibrary(services.knowledge)
    except ReadOnlyKnowledgeBase as exc:
        raise Problem(409, "Conflict", str(exc), code="knowledge-read-only") from exc


LibraryDep = Annotated[KnowledgeLibrary, Depends(get_library)]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    raw: bytes
    filename: str | None
    document_id: str | None


async def read_upload(
    request: Request,
    document_id: Annotated[
        str | None,
        Query(
            alias="id",
            max_length=200,
            description="Where to store it, e.g. `faqs/parking` (default: the type's folder and the "
            "file's name, or its title)",
        ),
    ] = None,
) -> UploadedFile:
    """The Markdown file, from a multipart form (field ``file``) or as the raw request body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form()
        file = form.get("file")
        form_id = form.get("id")
        if isinstance(form_id, str) and form_id.strip() and document_id is None:
            document_id = form_id
        if isinstance(file, UploadFile):
            uploaded = UploadedFile(await file.read(), file.filename, document_id)
        elif isinstance(file, str):
            uploaded = UploadedFile(file.encode("utf-8"), None, document_id)
        else:
            raise Problem(
                422,
                "Invalid request",
                "file: put the Markdown file in a form field named `file`",
                code="validation",
                errors=[{"field": "file", "message": "put the Markdown file in a form field named `file`"}],
            )
    elif content_type in MARKDOWN_TYPES:
        uploaded = UploadedFile(await request.body(), None, document_id)
    else:
        raise Problem(
            415,
            "Unsupported media type",
            f"send the Markdown file as multipart/form-data (field `file`) or as a text/markdown body, "
            f"not {content_type}",
            code="unsupported-media-type",
        )
    if not uploaded.raw.strip():
        raise Problem(
            422,
            "Invalid document",
            "the file is empty: send a Markdown file with front matter (see docs/knowledge.md)",
            code="invalid-document",
        )
    return uploaded


UploadDep = Annotated[UploadedFile, Depends(read_upload)]


def _known_purpose(value: str) -> str:
    if value not in PURPOSE_TYPES:
        raise ValueError(f"must be one of {', '.join(PURPOSE_TYPES)}")
    return value


# --- Endpoints -------------------------------------------------------------------------------------


@router.get("/search", response_model=ListOf[SourcePublic])
def search(
    services: ServicesDep,
    _: PrincipalDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="What the lead needs or asked")],
    purpose: Annotated[
        str,
        Query(description="The touch's purpose, which decides the document types; `any` for all"),
        AfterValidator(_known_purpose),
    ] = "any",
    industry: Annotated[
        Slug | None, Query(description="The lead's industry: its documents come first")
    ] = None,
    k: Annotated[int, Query(ge=1, le=20, description="How many sources")] = 5,
) -> ListOf[SourcePublic]:
    """The sources the agent would cite for this question: id, type, title, URL, score and exact text.

    Offers that have expired are left out, as they are for drafts.
    """
    query = RetrievalQuery(text=q, purpose=purpose, industry=industry, k=k, today=services.clock().date())
    sources = services.knowledge.retrieve(query)
    return ListOf[SourcePublic](data=[SourcePublic.of(s) for s in sources], count=len(sources))


@router.get("/documents", response_model=DocumentList)
def list_documents(
    services: ServicesDep,
    _: PrincipalDep,
    type_filter: Annotated[DocType | None, Query(alias="type")] = None,
) -> DocumentList:
    """The documents being served, and the files of the folder that do not load (by line, with the fix)."""
    knowledge = services.knowledge
    documents = [d for d in knowledge.documents.values() if type_filter is None or d.type is type_filter]
    return DocumentList(
        data=[DocumentPublic.of(d) for d in documents],
        count=len(documents),
        errors=[LoadErrorPublic(path=e.path, line=e.line, message=e.message) for e in knowledge.errors],
    )


@router.get("/documents/{document_id:path}", response_model=DocumentDetail)
def get_document(document_id: str, services: ServicesDep, _: PrincipalDep) -> DocumentDetail:
    """One document as served, with its file exactly as stored (to edit and upload again)."""
    document = services.knowledge.get(document_id)
    if document is None:
        raise _not_found(services, document_id)
    markdown = None
    if services.knowledge.root is not None:
        try:
            markdown = KnowledgeLibrary(services.knowledge).read(document_id).decode("utf-8")
        except (DocumentNotFound, InvalidDocumentId, UnicodeDecodeError):  # gone or changed since it loaded
            markdown = None
    return DocumentDetail(**DocumentPublic.of(document).model_dump(), body=document.body, markdown=markdown)


@router.post(
    "/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadOutcome,
    responses={
        200: {"description": "The document was replaced, or was already stored with this exact content"},
        403: {"description": "Only admins change the knowledge base"},
        409: {"description": "This knowledge base has no folder to write to (built from documents in code)"},
        415: {"description": "Neither a multipart form nor a Markdown body"},
        422: {"description": "The file does not load: `errors` lists each problem by line, with the fix"},
        503: {"description": "The document could not be embedded; nothing was changed"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "id": {"type": "string"},
                        },
                        "required": ["file"],
                    }
                },
                "text/markdown": {"schema": {"type": "string"}},
            },
        }
    },
)
def upload_document(
    admin: AdminDep,  # first: who may upload is decided before the body is read
    upload: UploadDep,
    library: LibraryDep,
    services: ServicesDep,
    session: SessionDep,
    response: Response,
) -> UploadOutcome:
    """Add or replace a Markdown document (front matter as in docs/knowledge.md), and serve it at once.

    The file is checked before anything is written: a file that would not load is refused with each
    problem and its line. The same content again changes nothing; new content replaces the document's
    chunks. Send it as multipart/form-data (field `file`) or as a `text/markdown` body.
    """
    try:
        checked = library.check(upload.raw, document_id=upload.document_id, filename=upload.filename)
    except (InvalidDocumentId, InvalidDocument) as exc:
        raise _invalid(exc) from exc
    response.headers["Location"] = f"{router.prefix}/documents/{checked.document_id}"
    if checked.status is UploadStatus.UNCHANGED:
        response.status_code = status.HTTP_200_OK
        return UploadOutcome(
            status="unchanged",
            document=DocumentPublic.of(checked.document),
            chunks_written=0,
            chunks_deleted=0,
        )
    # Recorded (and flushed) first: if the change then fails, the request's rollback takes the entry back.
    entry = knowledge_changes.record_change(
        session, actor=admin, action="knowledge.upload", document=checked.document, now=services.clock()
    )
    try:
        result = library.put(upload.raw, document_id=checked.document_id)
    except (InvalidDocumentId, InvalidDocument) as exc:  # the folder changed since the check
        raise _invalid(exc) from exc
    except KnowledgeUpdateFailed as exc:
        raise _update_failed(exc) from exc
    entry.details = {**entry.details, "status": str(result.status)}
    if result.status is not UploadStatus.CREATED:
        response.status_code = status.HTTP_200_OK
    return UploadOutcome(
        status=result.status.value,
        document=DocumentPublic.of(result.document),
        chunks_written=result.report.chunks_written,
        chunks_deleted=result.report.chunks_deleted,
    )


@router.delete(
    "/documents/{document_id:path}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        403: {"description": "Only admins change the knowledge base"},
        404: {"description": "No such file"},
        409: {"description": "This knowledge base has no folder to write to (built from documents in code)"},
        422: {"description": "Not a valid document id"},
        503: {"description": "The knowledge base could not be updated; nothing was changed"},
    },
)
def delete_document(
    document_id: str, admin: AdminDep, library: LibraryDep, services: ServicesDep, session: SessionDep
) -> Response:
    """Delete a document's file and its chunks: it is never retrieved again."""
    try:
        library.read(document_id)
    except InvalidDocumentId as exc:
        raise _invalid(exc) from exc
    except DocumentNotFound as exc:
        raise _not_found(services, document_id) from exc
    document = services.knowledge.get(document_id)
    knowledge_changes.record_change(
        session,
        actor=admin,
        action="knowledge.delete",
        document=document,
        document_id=document_id,
        now=services.clock(),
    )
    try:
        library.delete(document_id)
    except DocumentNotFound as exc:  # deleted by someone else since
        raise _not_found(services, document_id) from exc
    except KnowledgeUpdateFailed as exc:
        raise _update_failed(exc) from exc
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Helpers ---------------------------------------------------------------------------------------


def _invalid(exc: InvalidDocumentId | InvalidDocument) -> Problem:
    if isinstance(exc, InvalidDocumentId):
        return Problem(
            422,
            "Invalid document id",
            str(exc),
            code="invalid-document-id",
            errors=[{"field": "id", "message": str(exc)}],
        )
    return Problem(
        422,
        "Invalid document",
        f"{exc}; nothing was saved",
        code="invalid-document",
        errors=[{"path": e.path, "line": e.line, "message": e.message} for e in exc.errors],
    )


def _not_found(services: Services, document_id: str) -> Problem:
    broken = [e for e in services.knowledge.errors if e.path == f"{document_id}.md"]
    detail = f"no document {document_id!r} in the knowledge base"
    if broken:
        detail += f"; its file does not load: {'; '.join(str(e) for e in broken)}"
    return Problem(404, "Not found", detail, code="document-not-found")


def _update_failed(exc: KnowledgeUpdateFailed) -> Problem:
    return Problem(
        503,
        "Service unavailable",
        f"the document could not be embedded ({exc}); nothing was changed: try again, and tell an admin "
        "if it persists",
        code="knowledge-update-failed",
    )
