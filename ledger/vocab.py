"""Namespaces, as closed rdflib ``DefinedNamespace`` classes: a misspelt term fails at import.

``tests/test_ontology.py`` checks that ``CL`` lists exactly the terms ``ontology/`` declares.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

CL_IRI = "https://w3id.org/claim-ledger/ns#"
OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"

# The other vocabularies' namespaces as IRI strings: every module takes them from here.
PROV_IRI = "http://www.w3.org/ns/prov#"
SCHEMA_IRI = "https://schema.org/"
RDF_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_IRI = "http://www.w3.org/2000/01/rdf-schema#"
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"
OA_IRI = "http://www.w3.org/ns/oa#"
DCTERMS_IRI = "http://purl.org/dc/terms/"
NP_IRI = "http://www.nanopub.org/nschema#"
SKOS_IRI = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = RDF_IRI + "type"
RDFS_LABEL = RDFS_IRI + "label"
#: a concept's more general concept: a claim value that says the same with less detail
SKOS_BROADER = SKOS_IRI + "broader"

OA = Namespace(OA_IRI)
SCHEMA = Namespace(SCHEMA_IRI)
CLSH = Namespace("https://w3id.org/claim-ledger/shapes#")


class CL(DefinedNamespace):
    """The claim-ledger ontology (``ontology/claim-ledger.ttl``)."""

    _NS = Namespace(CL_IRI)
    _fail = True

    Alignment: URIRef
    ArmedForces: URIRef
    ArmedGroup: URIRef
    Assumption: URIRef
    Broadcaster: URIRef
    Case: URIRef
    Checker: URIRef
    CivilDefence: URIRef
    Claim: URIRef
    Concept: URIRef
    ConceptScheme: URIRef
    Conflict: URIRef
    ContextualAlignment: URIRef
    Count: URIRef
    CountScope: URIRef
    DegreeOfControl: URIRef
    Dimension: URIRef
    Document: URIRef
    Duration: URIRef
    Entity: URIRef
    Event: URIRef
    Exclusive: URIRef
    Force: URIRef
    Government: URIRef
    Hedge: URIRef
    HedgeKind: URIRef
    HumanRightsOrganisation: URIRef
    HumanitarianOrganisation: URIRef
    Independent: URIRef
    Kurdish: URIRef
    Ledger: URIRef
    LedgerEntry: URIRef
    Length: URIRef
    Ministry: URIRef
    MonitoringGroup: URIRef
    NewsAgency: URIRef
    NewsOutlet: URIRef
    Opposition: URIRef
    PeopleGroup: URIRef
    Place: URIRef
    PlaceCoverage: URIRef
    PlaceGroup: URIRef
    Plain: URIRef
    PoliticalParty: URIRef
    Precision: URIRef
    ProGovernment: URIRef
    PropertyKind: URIRef
    Proposition: URIRef
    PropositionProperty: URIRef
    Qualifier: URIRef
    Quantitative: URIRef
    Quantity: URIRef
    Quote: URIRef
    Ratio: URIRef
    Retraction: URIRef
    ScopeKind: URIRef
    Side: URIRef
    SourceKind: URIRef
    Stance: URIRef
    StateMedia: URIRef
    Supersession: URIRef
    TimeSpan: URIRef
    Translation: URIRef
    Transmission: URIRef
    UNAgency: URIRef
    Unit: URIRef
    about: URIRef
    affiliateOf: URIRef
    aimsAt: URIRef
    alignment: URIRef
    alignmentIn: URIRef
    alignmentRationale: URIRef
    alleged: URIRef
    alliedWith: URIRef
    amongOthers: URIRef
    areaShareControlled: URIRef
    asserts: URIRef
    assumption: URIRef
    atLeast: URIRef
    atMost: URIRef
    author: URIRef
    between: URIRef
    borders: URIRef
    broadcast: URIRef
    building: URIRef
    case: URIRef
    casualtyCount: URIRef
    clearing: URIRef
    committed: URIRef
    confinedIn: URIRef
    conflict: URIRef
    contentGraph: URIRef
    contested: URIRef
    controlledBy: URIRef
    controller: URIRef
    day: URIRef
    dayOfWeek: URIRef
    dayPrecision: URIRef
    decides: URIRef
    defaultUnit: URIRef
    degree: URIRef
    denies: URIRef
    describedAs: URIRef
    detainedCount: URIRef
    dimension: URIRef
    displacedCount: URIRef
    disputed: URIRef
    distanceFrom: URIRef
    district: URIRef
    earliest: URIRef
    entryKind: URIRef
    evacuatedCount: URIRef
    eventTime: URIRef
    eventTotal: URIRef
    exactly: URIRef
    fledTo: URIRef
    full: URIRef
    hashAlgorithm: URIRef
    headHash: URIRef
    hedge: URIRef
    hedgeKind: URIRef
    heldThroughout: URIRef
    hourPrecision: URIRef
    injuredCount: URIRef
    instantPrecision: URIRef
    invalidates: URIRef
    item: URIRef
    killedCount: URIRef
    kilometre: URIRef
    largestOf: URIRef
    latest: URIRef
    launchedOffensiveAgainst: URIRef
    ledger: URIRef
    lessThan: URIRef
    localCopy: URIRef
    lower: URIRef
    many: URIRef
    meansUsed: URIRef
    member: URIRef
    memberCount: URIRef
    message: URIRef
    metre: URIRef
    month: URIRef
    monthPrecision: URIRef
    moreThan: URIRef
    nearly: URIRef
    nominal: URIRef
    only: URIRef
    onlyAnswer: URIRef
    ownReporting: URIRef
    partOf: URIRef
    partOfDayPrecision: URIRef
    partial: URIRef
    percent: URIRef
    periodCount: URIRef
    perpetratedBy: URIRef
    person: URIRef
    phrase: URIRef
    place: URIRef
    placeCoverage: URIRef
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
    reportedly: URIRef
    returnedCount: URIRef
    reunitedWith: URIRef
    runningTotal: URIRef
    scope: URIRef
    scopeKind: URIRef
    separationDuration: URIRef
    sequence: URIRef
    several: URIRef
    severalAtOnce: URIRef
    sha256: URIRef
    side: URIRef
    since: URIRef
    sourceKind: URIRef
    sourcePublication: URIRef
    stance: URIRef
    statedTime: URIRef
    statement: URIRef
    strength: URIRef
    subject: URIRef
    supportedBy: URIRef
    surrenderedCount: URIRef
    text: URIRef
    toBase: URIRef
    toCheck: URIRef
    translation: URIRef
    transmission: URIRef
    unconfirmed: URIRef
    unit: URIRef
    unknownTime: URIRef
    unstated: URIRef
    until: URIRef
    unverified: URIRef
    upper: URIRef
    vaguePrecision: URIRef
    value: URIRef
    vehicle: URIRef
    weekPrecision: URIRef
    whole: URIRef
    wireRelay: URIRef
    writtenAs: URIRef
    year: URIRef
    yearPrecision: URIRef
