"""A synthetic ledger for the analysis benchmark: claims generated as quads, not YAML.

The mix imitates a war-reporting ledger: control of places changing hands over time (with
succession, biased reports and same-day disputes), displacement figures with ranges and
qualifiers, distances in metres and kilometres, plain statements with denials, ~50 sources in
aligned groups (persons acting for organisations), wire relays, derivations, revisions by the
same source, retractions and supersessions. Events are reported by one to six sources, so the
number of claims per (subject, property) stays roughly constant as the ledger grows.

``generate(n)`` yields the quads in named graphs of ``batch`` claims (one per ledger entry).
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

CL = "https://w3id.org/claim-ledger/ns#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
BASE = "https://w3id.org/claim-ledger/synthetic/"


def cl(name: str) -> ox.NamedNode:
    return ox.NamedNode(CL + name)


def prov(name: str) -> ox.NamedNode:
    return ox.NamedNode(PROV + name)


def schema(name: str) -> ox.NamedNode:
    return ox.NamedNode(SCHEMA + name)


DATE = ox.NamedNode(XSD + "date")
DECIMAL = ox.NamedNode(XSD + "decimal")
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
START = dt.date(2015, 1, 1)
PERIOD_DAYS = 730

#: (side, number of organisations, number of persons acting for them)
SIDES = [
    ("ProGovernment", 9, 3),
    ("Opposition", 10, 3),
    ("Kurdish", 4, 1),
    ("Independent", 10, 2),
    (None, 2, 0),
]
WIRES = 4
FORCES = ["government", "rebels", "kurdish", "isis", "turkish-backed", "militia"]
#: the force each side reports as holding a place when it bends the truth
SIDE_FORCE = {"ProGovernment": 0, "Opposition": 1, "Kurdish": 2}


@dataclass
class Registry:
    """Sources, wires, forces and places of the synthetic ledger."""

    sources: list[ox.NamedNode] = field(default_factory=list)
    side: dict[ox.NamedNode, str | None] = field(default_factory=dict)
    wires: list[ox.NamedNode] = field(default_factory=list)
    forces: list[ox.NamedNode] = field(default_factory=list)
    places: list[ox.NamedNode] = field(default_factory=list)
    civilians: list[ox.NamedNode] = field(default_factory=list)


def _lit(value: str, datatype: ox.NamedNode | None = None) -> ox.Literal:
    return ox.Literal(value, datatype=datatype) if datatype else ox.Literal(value)


def _date(day: int) -> ox.Literal:
    return ox.Literal((START + dt.timedelta(days=day)).isoformat(), datatype=DATE)


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.1f}", datatype=DECIMAL)


def registry_quads(n_places: int, graph: ox.NamedNode) -> tuple[Registry, list[ox.Quad]]:
    """The source registry (about 50 sources in aligned groups), forces and places."""
    reg = Registry()
    quads: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(s, p, o, graph))

    number = 0
    for side, orgs, persons in SIDES:
        org_iris = []
        for _ in range(orgs):
            number += 1
            src = ox.NamedNode(f"{BASE}source/{number}")
            add(src, RDF_TYPE, prov("Organization"))
            add(src, schema("name"), ox.Literal(f"Source {number}", language="en"))
            add(src, cl("sourceKind"), cl("MonitoringGroup"))
            if side:
                add(src, cl("alignment"), cl(side))
            reg.sources.append(src)
            reg.side[src] = side
            org_iris.append(src)
        for i in range(persons):
            number += 1
            src = ox.NamedNode(f"{BASE}source/{number}")
            add(src, RDF_TYPE, prov("Person"))
            add(src, schema("name"), ox.Literal(f"Spokesperson {number}", language="en"))
            add(src, prov("actedOnBehalfOf"), org_iris[i % len(org_iris)])
            reg.sources.append(src)
            reg.side[src] = side
    for i in range(WIRES):
        wire = ox.NamedNode(f"{BASE}source/wire-{i}")
        add(wire, RDF_TYPE, prov("Organization"))
        add(wire, schema("name"), ox.Literal(f"Wire {i}", language="en"))
        add(wire, cl("sourceKind"), cl("NewsAgency"))
        add(wire, cl("alignment"), cl("Independent"))
        reg.wires.append(wire)
    for name in FORCES:
        force = ox.NamedNode(f"{BASE}entity/force/{name}")
        add(force, RDF_TYPE, cl("Force"))
        add(force, schema("name"), ox.Literal(name, language="en"))
        reg.forces.append(force)
    regions = [ox.NamedNode(f"{BASE}entity/region/{i}") for i in range(max(1, n_places // 20))]
    for region in regions:
        add(region, RDF_TYPE, cl("Place"))
        add(region, schema("name"), ox.Literal(f"Region {region.value[-4:]}", language="en"))
    for i in range(n_places):
        place = ox.NamedNode(f"{BASE}entity/place/{i}")
        add(place, RDF_TYPE, cl("Place"))
        add(place, schema("name"), ox.Literal(f"Place {i}", language="en"))
        add(place, cl("partOf"), regions[i % len(regions)])
        people = ox.NamedNode(f"{BASE}entity/civilians/{i}")
        add(people, RDF_TYPE, cl("PeopleGroup"))
        add(people, schema("name"), ox.Literal(f"Civilians of place {i}", language="en"))
        reg.places.append(place)
        reg.civilians.append(people)
    return reg, quads


class _Writer:
    """Emits the quads of one claim at a time, into the current entry's graph."""

    def __init__(self, rng: random.Random, reg: Registry, n_claims: int, keys: bool) -> None:
        self.rng = rng
        self.keys = keys
        self.reg = reg
        self.count = 0
        self.graph = ox.NamedNode(f"{BASE}entry/0")
        self.cases = [ox.NamedNode(f"{BASE}case/{i}") for i in range(max(1, n_claims // 5000))]
        self.documents: list[tuple[ox.NamedNode, int]] = []
        self.quads: list[ox.Quad] = []

    def add(self, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: object) -> None:
        self.quads.append(ox.Quad(s, p, o, self.graph))  # type: ignore[arg-type]

    def document(self, day: int) -> ox.NamedNode:
        """A new article every eight claims or so, dated near the event."""
        if not self.documents or self.rng.random() < 0.125:
            doc = ox.NamedNode(f"{BASE}document/{len(self.documents)}")
            self.add(doc, RDF_TYPE, cl("Document"))
            self.add(doc, schema("datePublished"), _date(day + 1))
            self.documents.append((doc, day + 1))
        return self.documents[-1][0]

    def span(self, day: int, doc: ox.NamedNode, kind: str) -> ox.BlankNode:
        node = ox.BlankNode()
        if kind == "day":
            self.add(node, cl("earliest"), _date(day))
            self.add(node, cl("latest"), _date(day))
            self.add(node, cl("precision"), cl("dayPrecision"))
        elif kind == "weekday":
            month = START + dt.timedelta(days=day)
            first = month.replace(day=1)
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            self.add(node, cl("earliest"), ox.Literal(first.isoformat(), datatype=DATE))
            self.add(node, cl("latest"), ox.Literal(last.isoformat(), datatype=DATE))
            self.add(node, cl("precision"), cl("monthPrecision"))
            self.add(node, cl("dayOfWeek"), schema(DAYS[month.weekday()]))
            self.add(node, cl("relativeTo"), doc)
        elif kind == "week":
            self.add(node, cl("earliest"), _date(day - day % 7))
            self.add(node, cl("latest"), _date(day - day % 7 + 6))
            self.add(node, cl("precision"), cl("weekPrecision"))
        else:  # "until": a state held from long before until the day
            self.add(node, cl("earliest"), _date(max(0, day - 200)))
            self.add(node, cl("latest"), _date(day))
            self.add(node, cl("precision"), cl("vaguePrecision"))
        return node

    def claim(
        self,
        *,
        source: ox.NamedNode,
        day: int,
        subject: ox.NamedNode,
        prop: str,
        time_kind: str,
        value: ox.NamedNode | None = None,
        quantity: tuple[float | None, float | None, str, str] | None = None,
        place: ox.NamedNode | None = None,
        denies: bool = False,
        stated_delay: int = 0,
        derived_from: ox.NamedNode | None = None,
    ) -> ox.NamedNode:
        rng = self.rng
        self.count += 1
        if self.count % 1000 == 1:
            self.graph = ox.NamedNode(f"{BASE}entry/{self.count // 1000}")
        case = self.cases[zlib.crc32(subject.value.encode()) % len(self.cases)]
        c = ox.NamedNode(f"{case.value}/claim/{self.count}")
        doc = self.document(day + stated_delay)
        add = self.add
        add(c, RDF_TYPE, cl("Claim"))
        add(c, cl("case"), case)
        add(
            c,
            cl("statement"),
            ox.Literal(f"Synthetic claim {self.count} about {prop}.", language="en"),
        )
        add(c, prov("wasAttributedTo"), source)
        relay = rng.random() < 0.2
        if relay:
            add(c, cl("transmission"), cl("wireRelay"))
            add(c, cl("relayedBy"), rng.choice(self.reg.wires))
        else:
            add(
                c,
                cl("transmission"),
                cl(rng.choice(["unstated", "broadcast", "sourcePublication"])),
            )
        add(c, cl("reportedIn"), doc)
        add(c, cl("stance"), cl("denies" if denies else "asserts"))
        stated = ox.BlankNode()
        add(c, cl("statedTime"), stated)
        add(stated, cl("earliest"), _date(day + stated_delay))
        add(stated, cl("latest"), _date(day + stated_delay))
        add(stated, cl("precision"), cl("dayPrecision"))
        quote, selector = ox.BlankNode(), ox.BlankNode()
        add(c, cl("quote"), quote)
        add(quote, ox.NamedNode(OA + "hasSource"), doc)
        add(quote, ox.NamedNode(OA + "hasSelector"), selector)
        add(selector, RDF_TYPE, ox.NamedNode(OA + "TextQuoteSelector"))
        add(selector, ox.NamedNode(OA + "exact"), ox.Literal(f"words of claim {self.count}"))
        if derived_from is not None:
            add(c, prov("wasDerivedFrom"), derived_from)
        p = ox.BlankNode()
        add(c, cl("proposition"), p)
        add(p, cl("subject"), subject)
        add(p, cl("property"), cl(prop))
        if value is not None:
            add(p, cl("value"), value)
        if quantity is not None:
            lower, upper, unit, qualifier = quantity
            q = ox.BlankNode()
            add(p, cl("quantity"), q)
            if lower is not None:
                add(q, cl("lower"), _decimal(lower))
            if upper is not None:
                add(q, cl("upper"), _decimal(upper))
            add(q, cl("unit"), cl(unit))
            add(q, cl("qualifier"), cl(qualifier))
        if place is not None:
            add(p, cl("place"), place)
        add(p, cl("eventTime"), self.span(day, doc, time_kind))
        if self.keys:  # what the append path writes (ledger.analysis.compare.comparison_key)
            key = " ".join(x.value for x in (subject, cl(prop), place) if x is not None)
            add(p, cl("comparisonKey"), ox.Literal(key))
        return c


def _reporters(rng: random.Random, reg: Registry) -> list[ox.NamedNode]:
    """One to six distinct sources for an event (mean about 2.4)."""
    k = min(6, 1 + int(rng.expovariate(0.7)))
    return rng.sample(reg.sources, k)


def _figure(
    rng: random.Random, true: float, scale: float
) -> tuple[float | None, float | None, str]:
    """A vague reading of ``true * scale``: bounds and qualifier, as a checker would encode it."""
    n = true * scale
    kind = rng.random()
    if kind < 0.4:
        return round(n * 0.9), round(n * 1.1), "about"
    if kind < 0.6:
        return round(n), round(n), "exactly"
    if kind < 0.75:
        return round(n), None, "atLeast"
    if kind < 0.9:
        magnitude = 10 ** len(str(int(n))) // 10
        return 2 * magnitude, 10 * magnitude - 1, "several"
    return 0, round(n * 1.2), "lessThan"


def generate(n_claims: int, seed: int = 1, *, keys: bool = False) -> Iterator[ox.Quad]:
    """The quads of a synthetic ledger of ``n_claims`` claims (registry first).

    ``keys``: add the cl:comparisonKey literal of each proposition, as the append path would.
    """
    rng = random.Random(seed)
    n_places = max(20, n_claims // 40)
    registry_graph = ox.NamedNode(f"{BASE}entry/registry")
    reg, quads = registry_quads(n_places, registry_graph)
    yield from quads
    w = _Writer(rng, reg, n_claims, keys)
    # each place changes hands every 60-240 days
    timelines: list[list[tuple[int, int]]] = []
    for _ in range(n_places):
        day, line = 0, []
        while day < PERIOD_DAYS:
            line.append((day, rng.randrange(len(reg.forces))))
            day += rng.randint(60, 240)
        timelines.append(line)

    def holder(place: int, day: int) -> int:
        held = timelines[place][0][1]
        for start, force in timelines[place]:
            if start <= day:
                held = force
        return held

    claims: list[ox.NamedNode] = []
    while w.count < n_claims:
        place_i = rng.randrange(n_places)
        place = reg.places[place_i]
        day = rng.randrange(PERIOD_DAYS)
        event = rng.random()
        for source in _reporters(rng, reg):
            side = reg.side[source]
            time_kind = rng.choices(["day", "weekday", "week", "until"], [5, 2, 2, 1])[0]
            derived = claims[-1] if claims and rng.random() < 0.05 else None
            if event < 0.45:  # control of a place
                force = holder(place_i, day)
                if side in SIDE_FORCE and rng.random() < 0.15:
                    force = SIDE_FORCE[side]
                c = w.claim(
                    source=source,
                    day=day,
                    subject=place,
                    prop="controlledBy",
                    value=reg.forces[force],
                    place=None,
                    time_kind=time_kind,
                    denies=rng.random() < 0.05,
                    derived_from=derived,
                )
            elif event < 0.75:  # displacement figures
                true = 500 + (place_i * 7919) % 20000
                scale = 3.0 if side in SIDE_FORCE and rng.random() < 0.15 else 1.0
                lower, upper, qualifier = _figure(rng, true, scale)
                c = w.claim(
                    source=source,
                    day=day,
                    subject=reg.civilians[place_i],
                    prop="displacedCount",
                    quantity=(lower, upper, "person", qualifier),
                    place=place,
                    time_kind=rng.choice(["day", "week"]),
                    derived_from=derived,
                )
                if rng.random() < 0.03:  # the source revises its own figure later
                    lower, upper, qualifier = _figure(rng, true, 2.0)
                    w.claim(
                        source=source,
                        day=day,
                        subject=reg.civilians[place_i],
                        prop="displacedCount",
                        quantity=(lower, upper, "person", qualifier),
                        place=place,
                        time_kind="day",
                        stated_delay=3,
                    )
            elif event < 0.85:  # distance of a front line, in metres or kilometres
                metres = 200 + (place_i * 104729 + day) % 5000
                km = rng.random() < 0.5
                factor = 1000.0 if km else 1.0
                lower, upper, qualifier = _figure(rng, metres / factor, 1.0)
                c = w.claim(
                    source=source,
                    day=day,
                    subject=reg.forces[holder(place_i, day)],
                    prop="distanceFrom",
                    quantity=(lower, upper, "kilometre" if km else "metre", qualifier),
                    place=place,
                    time_kind="day",
                    derived_from=derived,
                )
            else:  # plain statements, some denied
                c = w.claim(
                    source=source,
                    day=day,
                    subject=reg.civilians[place_i],
                    prop="presentIn",
                    value=place,
                    time_kind=rng.choice(["day", "week"]),
                    denies=rng.random() < 0.2,
                    derived_from=derived,
                )
            claims.append(c)
            if w.count >= n_claims:
                break
        yield from w.quads
        w.quads = []
    # retractions and supersessions, in a last entry
    w.graph = ox.NamedNode(f"{BASE}entry/corrections")
    for c in rng.sample(claims, max(1, len(claims) // 300)):
        w.add(
            c,
            prov("invalidatedAtTime"),
            ox.Literal("2017-06-01T00:00:00Z", datatype=ox.NamedNode(XSD + "dateTime")),
        )
    for old, new in zip(
        rng.sample(claims, max(1, len(claims) // 300)),
        rng.sample(claims, max(1, len(claims) // 300)),
        strict=True,
    ):
        if old != new:
            w.add(new, prov("wasRevisionOf"), old)
    yield from w.quads
