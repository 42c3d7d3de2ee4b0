"""Namespaces, as closed rdflib ``DefinedNamespace`` classes: a misspelt term fails at import.

``tests/test_ontology.py`` checks that ``CL`` lists exactly the terms ``ontology/`` declares.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

CL_IRI = "https://w3id.org/claim-ledger/ns#"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"

OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
CLSH = Namespace("https://w3id.org/claim-ledger/shapes#")


class CL(DefinedNamespace):
    """The claim-ledger ontology (``ontology/claim-ledger.ttl``)."""

    _NS = Namespace(CL_IRI)
    _fail = True

    Alignment: URIRef
    ArmedGroup: URIRef
    Assumption: URIRef
    Broadcaster: URIRef
    Case: URIRef
    Checker: URIRef
    CivilDefence: URIRef
    Claim: URIRef
    Concept: URIRef
    Count: URIRef
    Dimension: URIRef
    Document: URIRef
    Duration: URIRef
    Entity: URIRef
    Exclusive: URIRef
    Force: URIRef
    Government: URIRef
    HumanRightsOrganisation: URIRef
    Independent: URIRef
    Kurdish: URIRef
    Ledger: URIRef
    LedgerEntry: URIRef
    Length: URIRef
    MonitoringGroup: URIRef
    NewsAgency: URIRef
    NewsOutlet: URIRef
    Opposition: URIRef
    PeopleGroup: URIRef
    Place: URIRef
    PlaceGroup: URIRef
    Plain: URIRef
    Precision: URIRef
    ProGovernment: URIRef
    PropertyKind: URIRef
    Proposition: URIRef
    PropositionProperty: URIRef
    Qualifier: URIRef
    Quantitative: URIRef
    Quantity: URIRef
    Quote: URIRef
    Retraction: URIRef
    SourceKind: URIRef
    Stance: URIRef
    StateMedia: URIRef
    Supersession: URIRef
    TimeSpan: URIRef
    Translation: URIRef
    Transmission: URIRef
    Unit: URIRef
    about: URIRef
    affiliateOf: URIRef
    aimsAt: URIRef
    alignment: URIRef
    alignmentRationale: URIRef
    alliedWith: URIRef
    asserts: URIRef
    assumption: URIRef
    atLeast: URIRef
    atMost: URIRef
    author: URIRef
    between: URIRef
    borders: URIRef
    broadcast: URIRef
    case: URIRef
    clearing: URIRef
    committed: URIRef
    confinedIn: URIRef
    contentGraph: URIRef
    controlledBy: URIRef
    day: URIRef
    dayOfWeek: URIRef
    dayPrecision: URIRef
    decides: URIRef
    denies: URIRef
    describedAs: URIRef
    dimension: URIRef
    displacedCount: URIRef
    distanceFrom: URIRef
    district: URIRef
    earliest: URIRef
    entryKind: URIRef
    eventTime: URIRef
    exactly: URIRef
    fledTo: URIRef
    hashAlgorithm: URIRef
    headHash: URIRef
    instantPrecision: URIRef
    invalidates: URIRef
    item: URIRef
    kilometre: URIRef
    largestOf: URIRef
    latest: URIRef
    launchedOffensiveAgainst: URIRef
    ledger: URIRef
    lessThan: URIRef
    localCopy: URIRef
    lower: URIRef
    many: URIRef
    member: URIRef
    memberCount: URIRef
    message: URIRef
    metre: URIRef
    month: URIRef
    monthPrecision: URIRef
    moreThan: URIRef
    nearly: URIRef
    nominal: URIRef
    ownReporting: URIRef
    partOf: URIRef
    partOfDayPrecision: URIRef
    person: URIRef
    phrase: URIRef
    place: URIRef
    population: URIRef
    precision: URIRef
    presentIn: URIRef
    previousEntryHash: URIRef
    property: URIRef
    propertyKind: URIRef
    proposition: URIRef
    qualifier: URIRef
    quantity: URIRef
    quote: URIRef
    reason: URIRef
    relativeTo: URIRef
    relayedBy: URIRef
    reportedIn: URIRef
    reunitedWith: URIRef
    separationDuration: URIRef
    sequence: URIRef
    several: URIRef
    sha256: URIRef
    sourceKind: URIRef
    sourcePublication: URIRef
    stance: URIRef
    statedTime: URIRef
    statement: URIRef
    strength: URIRef
    subject: URIRef
    supportedBy: URIRef
    text: URIRef
    toBase: URIRef
    toCheck: URIRef
    translation: URIRef
    transmission: URIRef
    unit: URIRef
    unstated: URIRef
    upper: URIRef
    vaguePrecision: URIRef
    value: URIRef
    weekPrecision: URIRef
    wireRelay: URIRef
    writtenAs: URIRef
    year: URIRef
    yearPrecision: URIRef
