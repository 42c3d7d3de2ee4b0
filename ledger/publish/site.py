"""The local site of ``claim-ledger serve``: the report's pages, live, with facets, search, SPARQL.

Built on Starlette (ASGI) and served by uvicorn. Every page is read-only and also comes as JSON
(``.json`` after the path, or ``Accept: application/json``), as Datasette does. The pages of a
claim and of a source are the static report's own templates (``reports/claim.html.j2``,
``reports/source.html.j2``) fed by its read model (``ledger.publish.report``); the site swaps in
its own page frame (``reports/site/base.html.j2``: navigation, a search box, a stylesheet by
URL) and adds its own pages under ``reports/site/``.

What the site knows of the ledger is a ``Snapshot``, rebuilt when the ledger's head entry
changes, so a claim added while the site runs shows on the next request. Lists of claims,
conflicts, corroborations and scope warnings filter by facets in the URL (``?source=sohr``) and
by words (``?q=``) over statements, quotes, translations and names. ``/sparql`` is a SPARQL 1.1
Protocol endpoint over the same store ``claim-ledger query`` reads (``api.sparql_answer``).

Safety: no route writes (every other method gets 405), jinja2 autoescapes every value, and every
answer carries a Content-Security-Policy that allows no script at all (the pages need none),
``X-Content-Type-Options: nosniff`` and no referrer. Bound to a loopback address, the site
answers only requests whose Host is a loopback name (DNS rebinding). No path is ever read from
disk: pages come from the snapshot, the stylesheet from the package's templates.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import socket
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger import api, resources
from ledger.errors import InputError, LedgerError, UnsafeInputError, UsageError
from ledger.publish import report
from ledger.query import DEFAULT_MEMORY_MIB

#: the facets every list offers, in the order the pages show them
FACETS = ("source", "alignment", "place", "property", "time", "kind", "grade", "status")
#: the longest SPARQL query text accepted (characters; bytes for a POST body): 413 beyond
MAX_QUERY_CHARS = 32 * 1024
#: SPARQL queries that may run at once (each in its own process); more get 503
MAX_RUNNING_QUERIES = 2
#: rows per page of a list
PAGE_SIZE = 100
#: how long a request waits for newer entries to be read before it shows the previous state
REFRESH_WAIT_S = 2.0
#: shown on the overview per section
OVERVIEW_ROWS = 10

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


# --------------------------------------------------------------------------- the read model


@dataclass(frozen=True)
class Finding:
    """One row of a list of findings: two claims, what the analysis says of them, and why."""

    list: str  # conflicts, corroborations or scope-warnings
    claim_a: str
    claim_b: str
    category: str  # a conflict's type (quantity, state …), a corroboration's kind (independent …)
    relation: str  # conflict, revision, the corroboration's match
    reason: str
    independence: str


@dataclass(frozen=True)
class Grading:
    """A claim's credibility (1 best, 6 cannot be judged) and its words."""

    credibility: int
    label: str
    reasons: str


@dataclass
class Snapshot:
    """What the site shows, read from the ledger at one head entry."""

    head: str | None
    book: report.Casebook
    analysis: report.Analysis
    info: report.LedgerInfo | None
    findings: dict[str, tuple[Finding, ...]]
    #: False: this version of the analysis computes no scope warnings (the list is a hook)
    scope_warnings_available: bool
    grades: dict[str, Grading]
    claim_slugs: dict[str, str] = field(default_factory=dict)  # slug → IRI
    source_slugs: dict[str, str] = field(default_factory=dict)
    document_slugs: dict[str, str] = field(default_factory=dict)
    slug_of: dict[str, str] = field(default_factory=dict)  # IRI → slug
    claim_facets: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    claim_text: dict[str, str] = field(default_factory=dict)  # casefolded search text
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (facet, key) → label
    derived_by: dict[str, list[report.Claim]] = field(default_factory=dict)
    finding_facets: dict[Finding, dict[str, frozenset[str]]] = field(default_factory=dict)
    finding_text: dict[Finding, str] = field(default_factory=dict)  # casefolded search text


def build_snapshot(ledger: api.Backend) -> Snapshot:
    """Read the ledger: the report's casebook and analysis, the analysis rows for the lists."""
    from ledger.analysis import compare  # the analysis reads what the ledger holds

    head = ledger.head()
    info = report.collect_ledger_info(ledger)
    with api.analysis_store(ledger) as (store, _index):
        book = report.read_casebook(store)
        analysis = report.analyse(store)
    findings: dict[str, tuple[Finding, ...]] = {
        "conflicts": tuple(
            Finding(
                "conflicts",
                str(row["claim_a"]),
                str(row["claim_b"]),
                str(row.get("type") or ""),
                str(row.get("relation") or ""),
                str(row.get("reason") or ""),
                str(row.get("independence") or ""),
            )
            for row in api.analyse(ledger, compare.find_conflicts, None, status="all")
        ),
        "corroborations": tuple(
            Finding(
                "corroborations",
                str(row["claim_a"]),
                str(row["claim_b"]),
                str(row.get("kind") or ""),
                str(row.get("match") or ""),
                str(row.get("reason") or ""),
                str(row.get("kind") or ""),
            )
            for row in api.analyse(ledger, compare.find_corroborations, None, status="all")
        ),
    }
    # The hook for scope warnings: listed once the analysis computes them.
    scope = getattr(compare, "find_scope_warnings", None)
    findings["scope-warnings"] = (
        tuple(
            Finding(
                "scope-warnings",
                str(row["claim_a"]),
                str(row["claim_b"]),
                str(row.get("type") or row.get("kind") or ""),
                str(row.get("relation") or ""),
                str(row.get("reason") or ""),
                str(row.get("independence") or ""),
            )
            for row in api.analyse(ledger, scope, None)
        )
        if callable(scope)
        else ()
    )
    grades = {
        str(row["claim"]): Grading(int(row["credibility"]), str(row["grade"]), str(row["reasons"]))
        for row in api.analyse(ledger, compare.grade_claims, None, status="all")
    }
    snapshot = Snapshot(
        head=head.hash if head else None,
        book=book,
        analysis=analysis,
        info=info,
        findings=findings,
        scope_warnings_available=callable(scope),
        grades=grades,
    )
    _index_snapshot(snapshot)
    return snapshot


def _index_snapshot(snap: Snapshot) -> None:
    """Slugs for the pages, facet values and search text of every claim."""
    book = snap.book
    for kind, iris, hint in (
        ("claim", book.claims, lambda iri: book.claims[iri].short_id),
        ("source", book.agents, report.local_name),
        ("document", book.documents, report.local_name),
    ):
        slugs = {"claim": snap.claim_slugs, "source": snap.source_slugs}.get(
            kind, snap.document_slugs
        )
        for iri in sorted(iris):
            slug = report.slug(iri, hint(iri))
            slugs[slug] = iri
            snap.slug_of[iri] = slug
    for claim in book.claims.values():
        for origin in claim.derived_from:
            snap.derived_by.setdefault(origin, []).append(claim)
        values: dict[str, set[str]] = {name: set() for name in FACETS}

        def add(
            facet: str, key: str | None, label: str, values: dict[str, set[str]] = values
        ) -> None:
            if key:
                values[facet].add(key)
                snap.labels.setdefault((facet, key), label)

        for agent_iri in claim.sources:
            add("source", report.local_name(agent_iri), book.name(agent_iri))
            agent = book.agents.get(agent_iri)
            if agent is not None:
                add("alignment", agent.tone, agent.alignment_label)
                add("kind", report.local_name(agent.kind) if agent.kind else "", agent.kind_label)
        prop = claim.proposition
        if prop is not None:
            if prop.place:
                add("place", report.local_name(prop.place), book.name(prop.place))
            if prop.property_iri:
                add("property", report.local_name(prop.property_iri), prop.property_label)
            if prop.event_time:
                add("time", prop.event_time.label, prop.event_time.label)
        grading = snap.grades.get(claim.iri)
        if grading is not None:
            add("grade", str(grading.credibility), f"{grading.credibility} — {grading.label}")
        add("status", claim.status, claim.status)
        snap.claim_facets[claim.iri] = {k: frozenset(v) for k, v in values.items()}
        words = [claim.statement, claim.short_id, *claim.comments]
        for quote in claim.quotes:
            words += [quote.exact, quote.translation or ""]
        for iri in (*claim.sources, *claim.relayed_by):
            agent = book.agents.get(iri)
            words += [book.name(iri), *(agent.alternate_names if agent else ())]
        if prop is not None:
            words += [book.name(i) for i in (prop.subject, prop.value, prop.place) if i]
        snap.claim_text[claim.iri] = "\n".join(words).casefold()
    for found in snap.findings.values():
        for finding in found:
            snap.finding_facets[finding] = finding_facets(snap, finding)
            snap.finding_text[finding] = finding_text(snap, finding)
            if finding.category:
                snap.labels.setdefault(("kind", finding.category), finding.category)


def finding_facets(snap: Snapshot, finding: Finding) -> dict[str, frozenset[str]]:
    """A finding's facet values: those of its two claims, and its own category as its kind."""
    values: dict[str, set[str]] = {name: set() for name in FACETS}
    for claim in (finding.claim_a, finding.claim_b):
        for name, keys in snap.claim_facets.get(claim, {}).items():
            if name != "kind":
                values[name].update(keys)
    if finding.category:
        values["kind"].add(finding.category)
    return {k: frozenset(v) for k, v in values.items()}


def finding_text(snap: Snapshot, finding: Finding) -> str:
    return "\n".join(
        (
            snap.claim_text.get(finding.claim_a, ""),
            snap.claim_text.get(finding.claim_b, ""),
            finding.reason.casefold(),
        )
    )


# --------------------------------------------------------------------------- facets and search


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: how many listed items have it, and the URL that toggles it."""

    key: str
    label: str
    count: int
    selected: bool
    href: str


@dataclass(frozen=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Selection:
    """The items of a list that match the URL's facets and words, one page of them."""

    items: list[Any]
    total: int
    facets: tuple[Facet, ...]
    chosen: dict[str, str]
    q: str
    page: int
    pages: int
    previous: str | None
    next: str | None
    clear: str | None


def _parameters(request: Request) -> tuple[dict[str, str], str, int]:
    chosen = {name: request.query_params[name] for name in FACETS if request.query_params.get(name)}
    q = request.query_params.get("q", "").strip()
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        raise InputError("page must be a whole number, 1 or more") from None
    return chosen, q, page


def _href(path: str, chosen: Mapping[str, str], q: str, page: int = 1) -> str:
    query = [(k, v) for k, v in chosen.items() if k in FACETS]
    if q:
        query.append(("q", q))
    if page > 1:
        query.append(("page", str(page)))
    return path + ("?" + urlencode(query) if query else "")


def select(
    snap: Snapshot,
    path: str,
    items: Sequence[Any],
    facets_of: Callable[[Any], Mapping[str, frozenset[str]]],
    text_of: Callable[[Any], str],
    chosen: dict[str, str],
    q: str,
    page: int,
) -> Selection:
    """Filter ``items`` by the chosen facet keys and every word of ``q``; count each facet."""
    words = q.casefold().split()
    candidates = [(item, facets_of(item)) for item in items]
    if words:
        candidates = [(i, f) for i, f in candidates if all(w in text_of(i) for w in words)]
    matching = [(i, f) for i, f in candidates if all(chosen[n] in f[n] for n in chosen)]
    facets = []
    for name in FACETS:
        # counted over the items that match every other chosen facet, as Datasette does
        others = {k: v for k, v in chosen.items() if k != name}
        counts: dict[str, int] = {}
        for _item, values in candidates:
            if all(others[n] in values[n] for n in others):
                for key in values[name]:
                    counts[key] = counts.get(key, 0) + 1
        if name in chosen:
            counts.setdefault(chosen[name], 0)
        shown = []
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            selected = chosen.get(name) == key
            toggled = dict(others) if selected else {**others, name: key}
            shown.append(
                FacetValue(
                    key,
                    snap.labels.get((name, key), key),
                    count,
                    selected,
                    _href(path, {n: toggled[n] for n in FACETS if n in toggled}, q),
                )
            )
        if shown:
            facets.append(Facet(name, tuple(shown)))
    pages = max(1, math.ceil(len(matching) / PAGE_SIZE))
    page = min(page, pages)
    rows = [i for i, _f in matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    return Selection(
        items=rows,
        total=len(matching),
        facets=tuple(facets),
        chosen=chosen,
        q=q,
        page=page,
        pages=pages,
        previous=_href(path, chosen, q, page - 1) if page > 1 else None,
        next=_href(path, chosen, q, page + 1) if page < pages else None,
        clear=path if chosen or q else None,
    )


# --------------------------------------------------------------------------- documents


#: shared with the static report's document pages
Segment = report.Segment
document_segments = report.document_segments


# --------------------------------------------------------------------------- pages


class SiteLinks(report.Links):
    """Links between the site's pages: ``report.Links``'s methods, with the site's paths.

    A subclass so that the report's diagram functions take it; it shares no state with the
    report's page-relative links (their constructor is not called).
    """

    def __init__(self, snap: Snapshot) -> None:  # report.Links.__init__ is not called
        self._snap = snap

    def _path(self, kind: str, iri: str | None, known: Mapping[str, str]) -> str | None:
        slug = self._snap.slug_of.get(iri or "")
        return f"/{kind}/{slug}" if slug and known.get(slug) == iri else None

    def claim(self, iri: str | None) -> str | None:
        return self._path("claims", iri, self._snap.claim_slugs)

    def source(self, iri: str | None) -> str | None:
        return self._path("sources", iri, self._snap.source_slugs)

    def document(self, iri: str | None) -> str | None:
        return self._path("documents", iri, self._snap.document_slugs)

    def index(self) -> str:
        return "/"

    def asset(self, name: str) -> str:
        return "/" + name

    @staticmethod
    def external(iri: str | None) -> str | None:
        return report.safe_url(iri)


def _environment() -> jinja2.Environment:
    """The report's templates, with the site's frame in place of the report's ``base.html.j2``."""
    folder = resources.templates_dir()

    def load(name: str) -> str | None:
        if name == "base.html.j2":
            name = "site/base.html.j2"
        file = folder.joinpath(*name.split("/"))
        return file.read_text(encoding="utf-8") if file.is_file() else None

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        link=report.html_link,
        NOT_IN_LEDGER=report.NOT_IN_LEDGER,
        DEFAULT_RELIABILITY=report.DEFAULT_RELIABILITY,
        format_number=report.format_number,
        term_label=report.term_label,
    )
    return env


def stylesheet() -> str:
    """The report's stylesheet and the site's additions, served as ``/style.css``."""
    folder = resources.templates_dir()
    return (
        folder.joinpath("style.css").read_text(encoding="utf-8")
        + "\n"
        + folder.joinpath("site", "site.css").read_text(encoding="utf-8")
    )


class NotFound(LedgerError):
    """No page at this path."""


def _json_value(value: Any) -> Any:
    """Dataclasses, tuples, sets and frozensets as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_json_value(v) for v in value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class Site:
    """The pages: each handler returns (template, context, JSON) from the current snapshot."""

    def __init__(
        self, ledger: api.Backend, *, timeout_s: float, memory_mib: int = DEFAULT_MEMORY_MIB
    ) -> None:
        self.ledger = ledger
        self.timeout_s = timeout_s
        self.memory_mib = memory_mib
        self.env = _environment()
        self.css = stylesheet()
        self._snapshot: Snapshot | None = None
        self._refresh: threading.Thread | None = None
        self._failure: Exception | None = None
        self._lock = threading.Lock()
        self.queries = threading.BoundedSemaphore(MAX_RUNNING_QUERIES)

    def snapshot(self) -> Snapshot:
        """The snapshot of the ledger's current head.

        When the head has moved, the snapshot is read again in a thread. A request waits for
        it up to ``REFRESH_WAIT_S`` (the first request, for as long as it takes); after that
        it gets the previous snapshot, and the pages say that newer entries are being read.
        """
        head = self.ledger.head()
        wanted = head.hash if head else None
        with self._lock:
            current = self._snapshot
            if current is not None and current.head == wanted:
                return current
            if self._refresh is None or not self._refresh.is_alive():
                self._failure = None
                self._refresh = threading.Thread(
                    target=self._read_snapshot, name="claim-ledger snapshot", daemon=True
                )
                self._refresh.start()
            refresh = self._refresh
        refresh.join(None if current is None else REFRESH_WAIT_S)
        with self._lock:
            if self._failure is not None and not refresh.is_alive():
                failure, self._failure = self._failure, None
                if self._snapshot is None:
                    raise failure
            if self._snapshot is None:  # the reading thread ended without a snapshot
                raise LedgerError("the ledger could not be read", hint="see the log")
            return self._snapshot

    @property
    def refreshing(self) -> bool:
        """Newer entries are being read; pages show the previous snapshot meanwhile."""
        refresh = self._refresh
        return refresh is not None and refresh.is_alive()

    def _read_snapshot(self) -> None:
        try:
            snapshot = build_snapshot(self.ledger)
        except Exception as error:  # handed to the request that waits (a bug shows as a 500)
            with self._lock:
                self._failure = error
            return
        with self._lock:
            self._snapshot = snapshot

    # --- helpers used by every page

    def claim_row(self, snap: Snapshot, iri: str) -> dict[str, Any]:
        """A claim as one JSON object that reads and greps alone: IRIs and their labels."""
        claim = snap.book.claims.get(iri)
        grading = snap.grades.get(iri)
        if claim is None:
            return {"claim": iri}
        prop = claim.proposition
        return {
            "claim": iri,
            "id": claim.short_id,
            "url": SiteLinks(snap).claim(iri),
            "statement": claim.statement,
            "sources": [{"iri": s, "name": snap.book.name(s)} for s in claim.sources],
            "status": claim.status,
            "credibility": grading.credibility if grading else None,
            "grade": grading.label if grading else None,
            "subject": snap.book.name(prop.subject) if prop and prop.subject else None,
            "property": prop.property_label if prop and prop.property_iri else None,
            "place": snap.book.name(prop.place) if prop and prop.place else None,
            "event_time": prop.event_time.label if prop and prop.event_time else None,
        }

    def finding_row(self, snap: Snapshot, finding: Finding) -> dict[str, Any]:
        return {
            **dataclasses.asdict(finding),
            "a": self.claim_row(snap, finding.claim_a),
            "b": self.claim_row(snap, finding.claim_b),
        }

    def facets_json(self, selection: Selection) -> dict[str, Any]:
        return {
            facet.name: [
                {"value": v.key, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ]
            for facet in selection.facets
        }

    def listing_json(self, selection: Selection, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "total": selection.total,
            "page": selection.page,
            "pages": selection.pages,
            "next": selection.next,
            "filters": selection.chosen,
            "q": selection.q,
            "rows": rows,
            "facets": self.facets_json(selection),
        }

    # --- the pages

    def overview(self, request: Request) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        book = snap.book
        current = [c for c in book.claims.values() if c.status == "current"]
        graded = [(snap.grades[c.iri], c) for c in current if c.iri in snap.grades]
        weakest = sorted(
            (g for g in graded if g[0].credibility in (4, 5)),
            key=lambda g: (-g[0].credibility, g[1].statement),
        )
        best = sorted(
            (g for g in graded if g[0].credibility in (1, 2)),
            key=lambda g: (g[0].credibility, g[1].statement),
        )
        conflicts = [
            f
            for f in snap.findings["conflicts"]
            if self._current(snap, f.claim_a) and self._current(snap, f.claim_b)
        ]
        corroborations = [
            f
            for f in snap.findings["corroborations"]
            if self._current(snap, f.claim_a) and self._current(snap, f.claim_b)
        ]
        scope = list(snap.findings["scope-warnings"])
        cases = sorted(book.cases.values(), key=lambda c: c.identifier)
        title = cases[0].name if len(cases) == 1 else "Claims of every case"
        edges = report.network_edges(book, current)
        links = SiteLinks(snap)
        documents = sorted(book.documents.values(), key=lambda d: d.title)
        context = {
            "snapshot": snap,
            "title": title,
            "cases": cases,
            "claims": current,
            "all_claims": len(book.claims),
            "speakers": len({s for c in current for s in c.sources}),
            "conflicts": conflicts,
            "corroborations": corroborations,
            "scope_warnings": scope,
            "weakest": weakest,
            "best": best,
            "limit": OVERVIEW_ROWS,
            "documents": documents,
            "network": Markup(report.network_svg(book, edges, links)),
        }
        info = snap.info
        # read at each request (cheap), not with the snapshot: a `verify --derived` adds no
        # entry, so the snapshot would keep saying what was true before it
        status = api.derived_status(self.ledger)
        context["derived"] = None
        if info is not None:
            info = dataclasses.replace(info, derived=status)
            context["derived"] = info.derived_summary
        data = {
            "title": title,
            "ledger": {
                "id": info.ledger_id if info else None,
                "head": snap.head,
                "verified": info.verification.ok if info else None,
                "verification": info.verification.summary if info else None,
                "derived_data": (
                    status.as_json()
                    if status is not None
                    else {"summary": info.derived_summary if info else None}
                ),
            },
            "cases": [dataclasses.asdict(c) for c in cases],
            "claims": len(book.claims),
            "current_claims": len(current),
            "conflicts": [self.finding_row(snap, f) for f in conflicts],
            "scope_warnings": [self.finding_row(snap, f) for f in scope],
            "scope_warnings_computed": snap.scope_warnings_available,
            "weakest": [self.claim_row(snap, c.iri) for _g, c in weakest],
            "best_supported": [self.claim_row(snap, c.iri) for _g, c in best],
            "corroborations": [self.finding_row(snap, f) for f in corroborations],
            "documents": [links.document(d.iri) for d in documents],
        }
        return "site/overview.html.j2", context, data

    @staticmethod
    def _current(snap: Snapshot, iri: str) -> bool:
        claim = snap.book.claims.get(iri)
        return claim is not None and claim.status == "current"

    def claims(self, request: Request) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        chosen, q, page = _parameters(request)
        ordered = sorted(
            snap.book.claims.values(),
            key=lambda c: (c.case or "", c.reported_in or "", _first_offset(c), c.statement),
        )
        selection = select(
            snap,
            "/claims",
            ordered,
            lambda c: snap.claim_facets[c.iri],
            lambda c: snap.claim_text[c.iri],
            chosen,
            q,
            page,
        )
        context = {"snapshot": snap, "title": "Claims", "selection": selection}
        rows = [self.claim_row(snap, c.iri) for c in selection.items]
        return "site/claims.html.j2", context, self.listing_json(selection, rows)

    def findings(self, request: Request, which: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        chosen, q, page = _parameters(request)
        selection = select(
            snap,
            "/" + which,
            snap.findings[which],
            lambda f: snap.finding_facets[f],
            lambda f: snap.finding_text[f],
            chosen,
            q,
            page,
        )
        title = {
            "conflicts": "Conflicts",
            "corroborations": "Corroborations",
            "scope-warnings": "Scope warnings",
        }[which]
        computed = which != "scope-warnings" or snap.scope_warnings_available
        context = {
            "snapshot": snap,
            "title": title,
            "which": which,
            "selection": selection,
            "computed": computed,
        }
        rows = [self.finding_row(snap, f) for f in selection.items]
        return (
            "site/findings.html.j2",
            context,
            {**self.listing_json(selection, rows), "computed": computed},
        )

    def claim(self, request: Request, slug: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        iri = snap.claim_slugs.get(slug)
        if iri is None:
            raise NotFound(f"no claim {slug!r} in the ledger", hint="see /claims")
        book, claim = snap.book, snap.book.claims[iri]
        links = SiteLinks(snap)
        context = {
            "snapshot": snap,
            "claim": claim,
            "chain": Markup(report.chain_svg(book, claim, links)),
            "chain_steps": report.chain_steps(book, claim, None),
            "chain_file": "",
            "quotes": [
                report.quote_in_paragraph(
                    q, book.documents[q.document].text if q.document in book.documents else None
                )
                for q in claim.quotes
            ],
            "relations": snap.analysis.relations(iri),
            "grade": snap.analysis.grades.get(iri),
            "derived_by": sorted(snap.derived_by.get(iri, []), key=lambda d: d.statement),
        }
        entry = snap.info.entry(iri) if snap.info else None
        data = {
            **self.claim_row(snap, iri),
            "description": _json_value(claim),
            "grade_reasons": snap.grades[iri].reasons if iri in snap.grades else None,
            "findings": [
                self.finding_row(snap, f)
                for which in ("conflicts", "corroborations", "scope-warnings")
                for f in snap.findings[which]
                if iri in (f.claim_a, f.claim_b)
            ],
            "entry": _json_value(entry),
        }
        return "claim.html.j2", context, data

    def sources(self, request: Request) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        q = request.query_params.get("q", "").strip()
        words = q.casefold().split()
        agents = [
            a
            for a in sorted(snap.book.agents.values(), key=lambda a: a.name.casefold())
            if all(w in "\n".join((a.name, *a.alternate_names, a.iri)).casefold() for w in words)
        ]
        counts = {a.iri: len(snap.book.claims_by(a.iri)) for a in agents}
        context = {
            "snapshot": snap,
            "title": "Sources",
            "agents": agents,
            "counts": counts,
            "keys": {a.iri: report.local_name(a.iri) for a in agents},
            "q": q,
        }
        data = {
            "q": q,
            "rows": [
                {
                    "source": a.iri,
                    "name": a.name,
                    "url": SiteLinks(snap).source(a.iri),
                    "kind": a.kind_label,
                    "alignment": a.alignment_label,
                    "claims": counts[a.iri],
                }
                for a in agents
            ],
        }
        return "site/sources.html.j2", context, data

    def source(self, request: Request, slug: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        iri = snap.source_slugs.get(slug)
        if iri is None:
            raise NotFound(f"no source {slug!r} in the ledger", hint="see /sources")
        book = snap.book
        record = report.source_record(book, snap.analysis, iri)
        context = {
            "snapshot": snap,
            "agent": book.agents[iri],
            "record": record,
            "acting_for_it": sorted(
                (a for a in book.agents.values() if iri in a.acts_for), key=lambda a: a.name
            ),
        }
        data = {
            "source": _json_value(book.agents[iri]),
            "claims": [self.claim_row(snap, c.iri) for c in record.claims],
            "on_behalf": [self.claim_row(snap, c.iri) for c in record.on_behalf],
            "relayed": [self.claim_row(snap, c.iri) for c in record.relayed],
            "published": [self.claim_row(snap, c.iri) for c in record.published],
            "corroborated": record.corroborated,
            "independently_corroborated": record.independently_corroborated,
            "contradicted": record.contradicted,
            "independently_contradicted": record.independently_contradicted,
        }
        return "source.html.j2", context, data

    def documents(self, request: Request) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        docs = sorted(snap.book.documents.values(), key=lambda d: d.title)
        quoted = {
            d.iri: sum(1 for c in snap.book.claims.values() if c.reported_in == d.iri) for d in docs
        }
        context = {"snapshot": snap, "title": "Documents", "documents": docs, "quoted": quoted}
        data = {
            "rows": [
                {
                    "document": d.iri,
                    "title": d.title,
                    "url": SiteLinks(snap).document(d.iri),
                    "published": d.published,
                    "sha256": d.sha256,
                    "claims": quoted[d.iri],
                }
                for d in docs
            ]
        }
        return "site/documents.html.j2", context, data

    def document(self, request: Request, slug: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        snap = self.snapshot()
        iri = snap.document_slugs.get(slug)
        if iri is None:
            raise NotFound(f"no document {slug!r} in the ledger", hint="see /documents")
        doc = snap.book.documents[iri]
        segments, order = document_segments(snap.book, iri)
        numbers = {c: n for n, c in enumerate(order, start=1)}
        context = {
            "snapshot": snap,
            "title": doc.title,
            "doc": doc,
            "segments": segments,
            "order": order,
            "numbers": numbers,
        }
        data = {
            "document": {k: v for k, v in dataclasses.asdict(doc).items()},
            "quotes": [{**self.claim_row(snap, c), "number": numbers[c]} for c in order],
            "marked": [{"text": s.text, "claims": list(s.claims)} for s in segments if s.claims],
        }
        return "site/document.html.j2", context, data

    def sparql_page(self, request: Request) -> tuple[str, dict[str, Any], dict[str, Any]]:
        context = {
            "title": "SPARQL endpoint",
            "timeout": self.timeout_s,
            "memory": self.memory_mib,
            "limit": MAX_QUERY_CHARS,
            "example": (
                "PREFIX cl: <https://w3id.org/claim-ledger/ns#>\n"
                "SELECT ?claim ?statement WHERE {\n"
                "  ?claim a cl:Claim ; cl:statement ?statement .\n"
                "} ORDER BY ?statement LIMIT 10"
            ),
        }
        data = {
            "endpoint": "/sparql",
            "methods": ["GET", "POST"],
            "results": sorted(api.SPARQL_RESULTS_FORMATS),
            "graphs": sorted(api.SPARQL_GRAPH_FORMATS),
            "timeout_s": self.timeout_s,
            "memory_mib": self.memory_mib,
            "max_query_chars": MAX_QUERY_CHARS,
        }
        return "site/sparql.html.j2", context, data

    # --- rendering

    def render(self, template: str, context: dict[str, Any]) -> str:
        """A page: the template with the snapshot the handler read (or the current one)."""
        snap = context.pop("snapshot", None) or self.snapshot()
        return self.env.get_template(template).render(
            book=snap.book,
            analysis=snap.analysis,
            ledger=snap.info,
            fmt="html",
            links=SiteLinks(snap),
            page=template,
            snapshot=snap,
            refreshing=self.refreshing,
            **context,
        )


def _first_offset(claim: report.Claim) -> int:
    first = claim.quotes[0] if claim.quotes else None
    return first.start if first and first.start is not None else 1 << 62


# --------------------------------------------------------------------------- HTTP


def wants_json(request: Request) -> bool:
    """The client asked for JSON: ``Accept: application/json`` ranked above HTML."""
    ranked = _accepted(request.headers.get("accept", ""))
    best_json = max((q for t, q in ranked if t == "application/json"), default=0.0)
    best_html = max((q for t, q in ranked if t in ("text/html", "*/*", "text/*")), default=0.0)
    return best_json > 0 and best_json >= best_html


def _accepted(header: str) -> list[tuple[str, float]]:
    """(media type, quality) of an Accept header, in its order."""
    found = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        found.append((pieces[0].lower(), quality))
    return found


def _negotiate(header: str, offers: Mapping[str, str], default: str) -> str:
    """The short name of the offered format the Accept header ranks highest."""
    ranked = _accepted(header)
    best, best_q = default, 0.0
    for name, media in offers.items():
        for accepted, quality in ranked:
            if accepted == media and quality > best_q:
                best, best_q = name, quality
    return best


_RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_GRAPH_MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
_FORMAT_ALIASES = {
    "json": ("json", None),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"),
}


def create_app(
    ledger: api.Backend,
    *,
    timeout_s: float = 10.0,
    memory_mib: int = DEFAULT_MEMORY_MIB,
    allowed_hosts: Iterable[str] | None = None,
) -> ASGIApp:
    """The site as an ASGI application; ``allowed_hosts`` (None: any) guards the Host header.

    A SPARQL query is stopped after ``timeout_s`` seconds or ``memory_mib`` MiB (``ledger.query``).
    """
    site = Site(ledger, timeout_s=timeout_s, memory_mib=memory_mib)

    def page(
        handler: Callable[..., tuple[str, dict[str, Any], dict[str, Any]]],
        *extra: str,
        json_suffix: bool = False,
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            arguments = [
                request.path_params[name] for name in ("slug",) if name in request.path_params
            ]
            as_json = json_suffix or wants_json(request)
            if arguments and arguments[0].endswith(".json"):
                arguments[0] = arguments[0].removesuffix(".json")
                as_json = True
            try:
                template, context, data = await run_in_threadpool(
                    handler, request, *extra, *arguments
                )
                if as_json:
                    return JSONResponse(data, headers={"vary": "accept"})
                html = await run_in_threadpool(site.render, template, context)
                return Response(
                    html, media_type="text/html; charset=utf-8", headers={"vary": "accept"}
                )
            except LedgerError as error:
                # not found; the request's fault; the ledger's state (locked, unreadable)
                status = (
                    404
                    if isinstance(error, NotFound)
                    else 400
                    if isinstance(error, InputError | UsageError)
                    else 503
                )
                return await run_in_threadpool(error_page, site, error, status, as_json)

        return endpoint

    routes = []
    for path, handler, extra in (
        ("/", site.overview, ()),
        ("/claims", site.claims, ()),
        ("/conflicts", site.findings, ("conflicts",)),
        ("/corroborations", site.findings, ("corroborations",)),
        ("/scope-warnings", site.findings, ("scope-warnings",)),
        ("/sources", site.sources, ()),
        ("/documents", site.documents, ()),
    ):
        routes.append(Route(path, page(handler, *extra), methods=["GET"]))
        json_path = "/index.json" if path == "/" else path + ".json"
        routes.append(Route(json_path, page(handler, *extra, json_suffix=True), methods=["GET"]))
    routes += [
        Route("/claims/{slug}", page(site.claim), methods=["GET"]),
        Route("/sources/{slug}", page(site.source), methods=["GET"]),
        Route("/documents/{slug}", page(site.document), methods=["GET"]),
        Route("/sparql", sparql_endpoint(site, page(site.sparql_page)), methods=["GET", "POST"]),
        Route("/style.css", lambda request: _css(site), methods=["GET"]),
        # browsers ask for it on every page, JSON ones included: no icon, and no 404 in the log
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        error = NotFound(f"no page at {request.url.path}", hint="start from the overview, /")
        return await run_in_threadpool(error_page, site, error, 404, wants_json(request))

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    return Guard(app, allowed_hosts=allowed_hosts)


def _css(site: Site) -> Response:
    return Response(site.css, media_type="text/css; charset=utf-8")


def error_page(site: Site, error: LedgerError, status: int, as_json: bool) -> Response:
    if as_json:
        return JSONResponse({"error": error.message, "hint": error.hint}, status_code=status)
    try:
        snap = site.snapshot()
    except LedgerError:
        return Response(str(error), status_code=status, media_type="text/plain; charset=utf-8")
    html = site.render(
        "site/error.html.j2",
        {
            "snapshot": snap,
            "title": "Not found" if status == 404 else "Error",
            "error": error,
            "status": status,
        },
    )
    return Response(html, status_code=status, media_type="text/html; charset=utf-8")


def sparql_endpoint(
    site: Site, description: Callable[[Request], Awaitable[Response]]
) -> Callable[[Request], Awaitable[Response]]:
    """The SPARQL 1.1 Protocol query operation: GET ?query=, POST form or sparql-query body."""

    def refuse(status: int, message: str) -> Response:
        return Response(message + "\n", status_code=status, media_type="text/plain; charset=utf-8")

    async def endpoint(request: Request) -> Response:
        if request.method == "GET":
            params = {k: request.query_params.getlist(k) for k in request.query_params}
            if "query" not in params and "update" not in params:
                return await description(request)
        else:
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_QUERY_CHARS * 4:
                    return refuse(413, f"the request is larger than {MAX_QUERY_CHARS} characters")
            params = {k: request.query_params.getlist(k) for k in request.query_params}
            if kind == "application/sparql-update":
                params["update"] = [body.decode("utf-8", "replace")]
            elif kind == "application/sparql-query":
                try:
                    params["query"] = [body.decode("utf-8")]
                except UnicodeDecodeError:
                    return refuse(400, "the query is not UTF-8")
            elif kind == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
                except UnicodeDecodeError:
                    return refuse(400, "the form is not UTF-8")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            else:
                return refuse(
                    415,
                    "send the query as application/sparql-query or as the query= field of an "
                    "application/x-www-form-urlencoded form",
                )
        if "update" in params:
            return refuse(
                400,
                "updates are refused: this endpoint only reads, and the ledger changes only "
                "through claim-ledger add, retract, supersede and review",
            )
        queries = params.get("query", [])
        if len(queries) != 1:
            return refuse(400, "give exactly one query= parameter")
        text = queries[0]
        if len(text) > MAX_QUERY_CHARS:
            return refuse(
                413,
                f"the query is {len(text)} characters long; the endpoint takes at most "
                f"{MAX_QUERY_CHARS}",
            )
        accept = request.headers.get("accept", "")
        results = _negotiate(accept, _RESULT_MEDIA, "json")
        graph = _negotiate(accept, _GRAPH_MEDIA, "turtle")
        asked = (params.get("format") or params.get("output") or [""])[0].lower()
        if asked:
            if asked not in _FORMAT_ALIASES:
                return refuse(
                    400, f"unknown format {asked!r}: use one of {', '.join(_FORMAT_ALIASES)}"
                )
            results = _FORMAT_ALIASES[asked][0] or results
            graph = _FORMAT_ALIASES[asked][1] or graph
        if not site.queries.acquire(blocking=False):
            return refuse(503, "too many queries are running; try again in a moment")
        try:
            answer = await run_in_threadpool(
                api.sparql_answer,
                site.ledger,
                text,
                results_format=results,
                graph_format=graph,
                default_graphs=params.get("default-graph-uri", []),
                named_graphs=params.get("named-graph-uri", []),
                timeout_s=site.timeout_s,
                memory_mib=site.memory_mib,
            )
        except api.QueryTimeoutError as error:
            return refuse(503, str(error))
        except (UnsafeInputError, InputError) as error:
            return refuse(400, str(error))
        except ValueError as error:  # a graph IRI that is not an IRI
            return refuse(400, f"not an IRI: {error}")
        except LedgerError as error:  # the ledger could not be read (locked, unreachable)
            return refuse(503, str(error))
        finally:
            site.queries.release()
        media = answer.media_type
        if media.startswith("text/") and "charset" not in media:
            media += "; charset=utf-8"
        return Response(answer.body, media_type=media, headers={"vary": "accept"})

    return endpoint


class Guard:
    """ASGI middleware: security headers on every answer, and the Host check."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str] | None) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else frozenset(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        if self.allowed is not None:
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            if host_name(host) not in self.allowed:
                response = Response(
                    "this site answers only requests to a loopback address (Host header)\n",
                    status_code=421,
                    media_type="text/plain; charset=utf-8",
                )
                await response(scope, receive, secured)
                return
        await self.app(scope, receive, secured)


def host_name(host: str) -> str:
    """A Host header without its port: ``[::1]:8080`` → ``::1``, ``localhost:80`` → ``localhost``.

    (IPv6 addresses keep their colons.)
    """
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def run(
    ledger: api.Backend,
    *,
    host: str,
    port: int,
    timeout_s: float,
    memory_mib: int = DEFAULT_MEMORY_MIB,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Bind ``host:port`` and serve the site with uvicorn until interrupted."""
    import uvicorn

    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as error:
        sock.close()
        raise LedgerError(
            f"cannot listen on {host}:{port}: {error.strerror}",
            hint="choose another --port (0 picks a free one), or stop what uses this one",
        ) from None
    sock.listen(128)  # connections wait in the backlog from here on, until uvicorn accepts
    bound = sock.getsockname()[1]
    allowed = LOOPBACK_NAMES | {host.strip("[]").lower()} if api.is_loopback_host(host) else None
    app = create_app(ledger, timeout_s=timeout_s, memory_mib=memory_mib, allowed_hosts=allowed)
    config = uvicorn.Config(
        app,
        log_level="warning",
        server_header=False,
        access_log=False,
        # room for a GET whose query= is at the limit, percent-encoded, so that it gets our 413
        h11_max_incomplete_event_size=3 * MAX_QUERY_CHARS + 8192,
    )
    server = uvicorn.Server(config)
    name = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
    if ready is not None:
        ready(f"http://{name}:{bound}/")
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()


__all__ = ["Snapshot", "build_snapshot", "create_app", "run"]
