"""claim-ledger: attributed, validated, hash-chained claims from news reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("claim-ledger")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
