"""The ledger chain: entry format, canonicalisation, the embedded store, the SPARQL-server backend,
the replica."""
