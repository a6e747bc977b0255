"""Knowledge documents: what a company writes (Markdown + YAML front matter) as typed, plain data.

The format is documented in ``docs/knowledge.md``. Parsing never stops at the first bad file: every
malformed file is reported by path and line, and the rest still loads, so one typo in a FAQ cannot take
the whole knowledge base (and with it every follow-up) offline.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from knowledge.types import DocType, OfferWindow, valid_on


@dataclass(frozen=True, slots=True)
class KnowledgeDocument:
    """One source a follow-up may cite; ``id`` is stable across edits (derived from the file's path)."""

    id: str
    type: DocType
    title: str
    body: str
    path: str
    content_hash: str
    url: str | None = None
    industries: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    customer: str | None = None
    problem: str | None = None
    result: str | None = None
    figures: tuple[str, ...] = ()
    expires: date | None = None
    starts: date | None = None  # an offer's first valid day (None: valid until ``expires``)
    language: str | None = None  # ISO 639-1 of the text (None: the company's first language)

    def live_on(self, day: date) -> bool:
        """An offer is valid from ``starts`` through ``expires``; any other document always is."""
        if self.type is not DocType.OFFER:
            return True
        return valid_on(day, self.starts, self.expires)


def offer_windows(documents: Iterable[KnowledgeDocument]) -> tuple[OfferWindow, ...]:
    """Every offer among ``documents`` with its validity, live or not (the checks judge both)."""
    return tuple(
        OfferWindow(id=d.id, title=d.title, url=d.url, starts=d.starts, expires=d.expires)
        for d in documents
        if d.type is DocType.OFFER
    )


@dataclass(frozen=True, slots=True)
class LoadError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(slots=True)
class LoadResult:
    documents: list[KnowledgeDocument] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


class InvalidDocument(ValueError):
    """Carries every problem in one file, so an author fixes them in one pass rather than one per run."""

    def __init__(self, errors: list[LoadError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


_COMMON_KEYS = ("type", "title", "url", "industries", "services", "stages", "language")
_TYPE_KEYS = {
    DocType.CASE_STUDY: ("customer", "problem", "result", "figures"),
    DocType.OFFER: ("expires", "starts"),
}
_ALL_KEYS = _COMMON_KEYS + tuple(key for keys in _TYPE_KEYS.values() for key in keys)
_HINTS = {
    "type": "one of " + ", ".join(t.value for t in DocType),
    "title": "a short title, e.g. `title: How much does it cost?`",
    "customer": "the customer's name, e.g. `customer: Bright Smile Dental Group`",
    "problem": "one sentence on what was wrong before they changed anything",
    "result": "one sentence on what changed afterwards",
    "figures": 'a list of the result\'s figures, e.g. `figures: ["no-shows down 38% in 90 days"]`',
    "expires": "the last day the offer is valid, unquoted, e.g. `expires: 2027-03-31`",
    "starts": "the first day the offer is valid, unquoted, e.g. `starts: 2027-02-01`",
    "language": "the language the text is written in, as an ISO 639-1 code, e.g. `language: es`",
}
_SLUG = re.compile(r"[a-z0-9_]+")
_Fail = Callable[[str | None, str], None]


def load_folder(root: Path) -> LoadResult:
    """Parse every ``*.md`` file under ``root``; see the module docstring for the error policy.

    Files are visited in id order so that, of two documents sharing a type and title, the same one is
    always the one reported. A missing ``root`` raises: that is a configuration mistake, not content.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"knowledge folder {root} does not exist or is not a folder")
    paths = [
        p
        for p in root.rglob("*.md")
        if p.is_file() and not p.name.startswith(("_", ".")) and p.name.lower() != "readme.md"
    ]
    result = LoadResult()
    seen: dict[tuple[DocType, str], str] = {}
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        try:
            doc, title_line = _parse(path, root)
        except InvalidDocument as exc:
            result.errors.extend(exc.errors)
            continue
        if (duplicate := _duplicate_title(doc, title_line, seen)) is not None:
            result.errors.append(duplicate)
            continue
        seen[_title_key(doc)] = doc.id
        result.documents.append(doc)
    result.documents.sort(key=lambda d: d.id)
    result.errors.sort(key=lambda e: (e.path, e.line))
    return result


def parse_document(path: Path, root: Path) -> KnowledgeDocument:
    """Parse one file (e.g. to re-index it on save); raises :class:`InvalidDocument` listing every problem."""
    return _parse(path, root)[0]


def parse_upload(raw: bytes, rel: str, others: Iterable[KnowledgeDocument]) -> KnowledgeDocument:
    """Check a file before it is written to ``rel`` as :func:`load_folder` would, beside ``others``.

    Raises :class:`InvalidDocument` for anything that would keep the file out of the knowledge base once
    written, including a type and title another document already has, so nothing is saved that won't load.
    """
    doc, title_line = _parse_bytes(raw, rel)
    seen = {_title_key(other): other.id for other in others if other.id != doc.id}
    if (duplicate := _duplicate_title(doc, title_line, seen)) is not None:
        raise InvalidDocument([duplicate])
    return doc


def _title_key(doc: KnowledgeDocument) -> tuple[DocType, str]:
    return doc.type, " ".join(doc.title.casefold().split())


def _duplicate_title(
    doc: KnowledgeDocument, line: int, seen: Mapping[tuple[DocType, str], str]
) -> LoadError | None:
    other = seen.get(_title_key(doc))
    if other is None:
        return None
    message = f"duplicate title: {other}.md is already a {doc.type.value} titled {doc.title!r}"
    return LoadError(doc.path, line, f"{message}; retitle one or merge them")


def _parse(path: Path, root: Path) -> tuple[KnowledgeDocument, int]:
    return _parse_bytes(path.read_bytes(), path.relative_to(root).as_posix())


def _parse_bytes(raw: bytes, rel: str) -> tuple[KnowledgeDocument, int]:
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidDocument([LoadError(rel, line, "file is not valid UTF-8: re-save it as UTF-8")]) from exc
    meta, key_lines, body, body_line = _split(rel, text)
    errors: list[LoadError] = []

    def fail(key: str | None, message: str) -> None:
        errors.append(LoadError(rel, key_lines[key] if key else 1, message))

    doc_type = _doc_type(meta.get("type"), fail)
    own_keys = _check_keys(meta, doc_type, fail)
    texts = {k: _text(k, meta[k], fail) for k in ("title", "customer", "problem", "result") if k in meta}
    url = meta.get("url")
    if url is not None and not _is_http_url(url):
        fail("url", f"`url` must be a full http(s) address, e.g. https://example.com/guide (got {url!r})")
    slugs = {key: _slugs(key, meta.get(key), fail) for key in ("industries", "services", "stages")}
    figures = _figures(meta["figures"], fail) if "figures" in own_keys and "figures" in meta else ()
    expires, starts = (meta.get(k) if doc_type is DocType.OFFER else None for k in ("expires", "starts"))
    for key, day in (("expires", expires), ("starts", starts)):
        if day is not None and (not isinstance(day, date) or isinstance(day, datetime)):
            fail(key, f"`{key}` must be a date written YYYY-MM-DD, without quotes (got {day!r})")
    if isinstance(starts, date) and isinstance(expires, date) and starts > expires:
        fail("starts", f"`starts` ({starts}) is after `expires` ({expires}): the offer would never be valid")
    language = meta.get("language")
    if language is not None and not (isinstance(language, str) and re.fullmatch(r"[a-z]{2}", language)):
        fail(
            "language", f"`language` must be a two-letter ISO 639-1 code such as en or es (got {language!r})"
        )
    if not body:
        errors.append(LoadError(rel, body_line, "body is empty: write the text below the closing `---`"))
    if errors or doc_type is None:
        raise InvalidDocument(sorted(errors, key=lambda e: e.line))
    doc = KnowledgeDocument(
        id=rel.removesuffix(".md"),
        type=doc_type,
        title=texts["title"],
        body=body,
        path=rel,
        content_hash=hashlib.sha256(raw).hexdigest(),
        url=url,
        industries=slugs["industries"],
        services=slugs["services"],
        stages=slugs["stages"],
        customer=texts.get("customer"),
        problem=texts.get("problem"),
        result=texts.get("result"),
        figures=figures,
        expires=expires,
        starts=starts,
        language=language,
    )
    return doc, key_lines["title"]


def _split(rel: str, text: str) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """Separate front matter from body, constructing values key by key so a bad value names its line.

    ``yaml.SafeLoader`` is the loader ``yaml.safe_load`` uses; driving it per key is what lets an
    impossible date such as 2027-02-30 be reported on its own line rather than failing anonymously.
    """
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise InvalidDocument(
            [LoadError(rel, 1, "file must start with a `---` line opening the front matter")]
        )
    close = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), None)
    if close is None:
        message = "front matter opened on line 1 is never closed: add a `---` line after the last key"
        raise InvalidDocument([LoadError(rel, 1, message)])
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    errors: list[LoadError] = []
    try:
        loader = yaml.SafeLoader("\n".join(lines[1:close]))
        try:
            node = loader.get_single_node()
            if node is not None and not isinstance(node, yaml.MappingNode):
                raise InvalidDocument([LoadError(rel, 2, "front matter must be `key: value` lines")])
            for key_node, value_node in node.value if node is not None else []:
                key, line = str(loader.construct_object(key_node)), key_node.start_mark.line + 2
                if key in key_lines:
                    errors.append(
                        LoadError(rel, line, f"`{key}` is set twice, also on line {key_lines[key]}")
                    )
                    continue
                key_lines[key] = line
                try:
                    meta[key] = loader.construct_object(value_node, deep=True)
                except (yaml.YAMLError, ValueError) as exc:
                    errors.append(
                        LoadError(rel, line, f"`{key}` has a value YAML cannot read ({exc}): correct it")
                    )
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
        where = f" ({exc.context} on line {context.line + 2})" if exc.context and context else ""
        message = (
            f"front matter is not valid YAML: {exc.problem}{where}; check the indentation and quote "
            "values that contain `: ` or start with [ { * & ! % @ or a backtick"
        )
        errors = [LoadError(rel, mark.line + 2 if mark else 1, message)]
    except yaml.YAMLError as exc:
        errors = [LoadError(rel, 1, f"front matter is not valid YAML: {exc}")]
    if errors:
        raise InvalidDocument(errors)
    return meta, key_lines, "\n".join(lines[close + 1 :]).strip(), close + 2


def _normalise(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _doc_type(value: object, fail: _Fail) -> DocType | None:
    if value is None:
        fail(None, f"missing `type`: add {_HINTS['type']}")
    elif isinstance(value, str) and _normalise(value) in {t.value for t in DocType}:
        return DocType(_normalise(value))
    else:
        fail("type", f"unknown type {value!r}: use {_HINTS['type']}")
    return None


def _check_keys(meta: dict[str, Any], doc_type: DocType | None, fail: _Fail) -> tuple[str, ...]:
    """Reject unknown and misplaced keys: a typo like ``industy`` would otherwise silently untag a file."""
    own_keys = _TYPE_KEYS.get(doc_type, ()) if doc_type else ()
    for key in meta:
        if key in _COMMON_KEYS or key in own_keys or (doc_type is None and key in _ALL_KEYS):
            continue
        if key in _ALL_KEYS:
            owner = next(t.value for t, keys in _TYPE_KEYS.items() if key in keys)
            fail(key, f"`{key}` only applies to {owner} documents: remove it or change `type`")
        else:
            close = difflib.get_close_matches(key, _ALL_KEYS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "allowed keys: " + ", ".join(_ALL_KEYS)
            fail(key, f"unknown key `{key}`: {hint}")
    for key in ("title", *(k for k in own_keys if k != "starts")):
        if meta.get(key) is None:
            owner = f"{doc_type.value} needs" if doc_type and key in own_keys else "missing"
            fail(None, f"{owner} `{key}`: {_HINTS[key]}")
    return own_keys


def _text(key: str, value: object, fail: _Fail) -> str:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    if value is not None:
        fail(key, f"`{key}` must be non-empty text (quote it if it looks like a number): {_HINTS[key]}")
    return ""


def _slugs(key: str, value: object, fail: _Fail) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if value is not None and items is None:
        fail(key, f"`{key}` must be a list of slugs, e.g. `{key}: [first_slug, second_slug]`")
    slugs: list[str] = []
    for item in items or []:
        slug = _normalise(item) if isinstance(item, str) else ""
        if not _SLUG.fullmatch(slug):
            fail(key, f"`{key}` entry {item!r} is not a slug: use letters, digits and underscores")
        elif slug not in slugs:
            slugs.append(slug)
    return tuple(slugs)


def _figures(value: object, fail: _Fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(f, str) and f.strip() for f in value):
        fail("figures", f"`figures` must be a non-empty list of text: {_HINTS['figures']}")
    elif vague := [f for f in value if not any(c.isdigit() for c in f)]:
        fail("figures", f"figure {vague[0]!r} has no number: state it concretely, e.g. 'down 38% in 90 days'")
    else:
        return tuple(" ".join(f.split()) for f in value)
    return ()


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value
