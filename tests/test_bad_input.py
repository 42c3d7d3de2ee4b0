"""Hostile and broken input never crashes `validate`: real processes, a timeout, a memory limit.

Every invalid fixture and a few generated hostile files (too large, too deep, too wide, too long)
are validated by ``python -m ledger`` in a child process limited to 1.5 GiB of address space and
60 seconds. It must exit 1 or 2 with a message, never with a traceback, a signal or a hang.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "claims" / "aleppo-2016-11"
CLAIMS_DATA = Path(__file__).resolve().parent / "data" / "claims"
INVALID = CLAIMS_DATA / "invalid"
VALID_CLAIM = CLAIMS_DATA / "valid" / "lead-thousands-fleeing.yaml"
REGISTRY = ("--context", str(EXAMPLE / "sources.yaml"), "--context", str(EXAMPLE / "entities.yaml"))

TIMEOUT_SECONDS = 60
MEMORY_LIMIT_BYTES = int(1.5 * 2**30)
#: Children run side by side (one per core, at least two): they mostly wait on pySHACL.
WORKERS = max(2, os.cpu_count() or 1)

#: Fixtures the current code handles wrongly as a process; each reason names the bug.
KNOWN_BUGS: dict[str, str] = {}


def limit_memory() -> None:
    """Runs in the child before exec: cap its address space."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # tests write nothing outside tmp_path
    return env


@dataclass
class Outcome:
    """How a child process ended."""

    returncode: int | None  # None: killed after the timeout
    stdout: str
    stderr: str
    seconds: float

    def describe(self) -> str:
        return (
            f"exit {self.returncode} after {self.seconds:.1f} s\n"
            f"stdout (head):\n{self.stdout[:2000]}\nstderr (head):\n{self.stderr[:4000]}"
        )


def argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "ledger", *args]


def run_many(commands: dict[str, list[str]], workdir: Path) -> dict[str, Outcome]:
    """Run commands ``WORKERS`` at a time, each with the timeout and memory limit.

    One thread starts every child (``preexec_fn`` is not safe with threads); output goes to
    files, so that a child writing a lot never blocks on a full pipe.
    """
    pending = list(commands.items())
    running: dict[str, tuple[subprocess.Popen[bytes], IO[bytes], IO[bytes], float]] = {}
    outcomes: dict[str, Outcome] = {}
    counter = 0
    while pending or running:
        while pending and len(running) < WORKERS:
            name, command = pending.pop(0)
            counter += 1
            out = (workdir / f"{counter}.stdout").open("w+b")
            err = (workdir / f"{counter}.stderr").open("w+b")
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=workdir,
                env=child_env(),
                preexec_fn=limit_memory,
            )
            running[name] = (process, out, err, time.monotonic())
        for name, (process, out, err, started) in list(running.items()):
            elapsed = time.monotonic() - started
            if process.poll() is None and elapsed < TIMEOUT_SECONDS:
                continue
            returncode = process.poll()
            if returncode is None:
                process.kill()
                process.wait()
            texts = []
            for stream in (out, err):
                stream.seek(0)
                texts.append(stream.read().decode("utf-8", errors="replace"))
                stream.close()
            outcomes[name] = Outcome(returncode, texts[0], texts[1], elapsed)
            del running[name]
        time.sleep(0.02)
    return outcomes


def run_cli(workdir: Path, *args: str) -> Outcome:
    """Run one `claim-ledger` command as a child process with the limits."""
    return run_many({"one": argv(*args)}, workdir)["one"]


def assert_handled(outcome: Outcome, allowed: tuple[int, ...] = (1, 2)) -> None:
    """The child finished in time, with an allowed exit code and no traceback."""
    assert outcome.returncode is not None, (
        f"hung, killed after {TIMEOUT_SECONDS} s\n{outcome.describe()}"
    )
    assert outcome.returncode >= 0, f"killed by signal {-outcome.returncode}\n{outcome.describe()}"
    assert outcome.returncode in allowed, outcome.describe()
    assert "Traceback" not in outcome.stderr, outcome.describe()
    assert "Traceback" not in outcome.stdout, outcome.describe()


# --------------------------------------------------------------------------- the invalid corpus


FIXTURE_TEST = "test_invalid_fixture_never_crashes"


def fixture_params() -> list[Any]:
    names = sorted(p.name for p in INVALID.iterdir() if p.name != "expected.yaml")
    return [
        pytest.param(
            name,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])]
            if name in KNOWN_BUGS
            else [],
        )
        for name in names
    ]


@pytest.fixture(scope="module")
def corpus_outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    """Validate every selected invalid fixture, several processes at a time, once per session."""
    selected = [
        item.callspec.params["name"]
        for item in request.session.items
        if getattr(item, "originalname", None) == FIXTURE_TEST and hasattr(item, "callspec")
    ]
    commands = {name: argv("validate", str(INVALID / name), *REGISTRY) for name in selected}
    return run_many(commands, tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("name", fixture_params())
def test_invalid_fixture_never_crashes(name: str, corpus_outcomes: dict[str, Outcome]) -> None:
    """Each invalid fixture, run as a real process, exits 1 or 2 in time and without a traceback."""
    outcome = corpus_outcomes[name]
    assert_handled(outcome)
    # Exact codes and messages are test_validate.py's concern; here: some message is given.
    if outcome.returncode == 1:
        assert ": violation: " in outcome.stdout, outcome.describe()
    else:
        assert outcome.stderr.startswith("error: "), outcome.describe()


# ------------------------------------------------------------------------- generated hostile input


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    """A 20 MB claim file is refused as too large before it is read."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.write(b"# padding\n")
        file.write((b"x" * 1023 + b"\n") * (20 * 1024))
    outcome = run_cli(tmp_path, "validate", str(path))
    assert_handled(outcome, (2,))
    assert "more than the 16,777,216 a claim-ledger input may have" in outcome.stderr
    assert "huge.yaml" in outcome.stderr


@pytest.mark.parametrize(
    ("opening", "closing"),
    [pytest.param("[", "]", id="sequences"), pytest.param("{a: ", "}", id="mappings")],
)
def test_deeply_nested_yaml_is_refused(tmp_path: Path, opening: str, closing: str) -> None:
    """YAML nested 100,000 deep is refused with a message naming the file, not a RecursionError."""
    path = tmp_path / "deep.yaml"
    depth = 100_000
    path.write_text("deep: " + opening * depth + "1" + closing * depth + "\n", encoding="utf-8")
    outcome = run_cli(tmp_path, "validate", str(path))
    assert_handled(outcome, (2,))
    assert "deep.yaml: YAML is nested too deeply" in outcome.stderr


def test_deeply_nested_jsonld_is_refused(tmp_path: Path) -> None:
    """JSON-LD nested 100,000 deep is refused (exit 2), not a RecursionError traceback."""
    path = tmp_path / "deep.jsonld"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    outcome = run_cli(tmp_path, "validate", str(path))
    assert_handled(outcome, (2,))
    assert "nested too deeply" in outcome.stderr


def test_deeply_nested_jsonld_message_names_the_file(tmp_path: Path) -> None:
    """The refusal of a too-deep JSON-LD file says which file it is."""
    path = tmp_path / "deep.jsonld"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    outcome = run_cli(tmp_path, "validate", str(path))
    assert_handled(outcome, (2,))
    assert "deep.jsonld" in outcome.stderr, outcome.describe()


TURTLE_HEAD = "@prefix cl: <https://w3id.org/claim-ledger/ns#> .\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        pytest.param("cl:a cl:b " + "( " * 100_000 + ")" * 100_000 + " .\n", id="collections"),
        pytest.param(
            "cl:a cl:b " + "[ cl:b " * 100_000 + "cl:c " + "] " * 100_000 + ".\n", id="blank-nodes"
        ),
    ],
)
def test_deeply_nested_turtle_is_handled(tmp_path: Path, body: str) -> None:
    """Turtle nested 100,000 deep is processed or refused within the time and memory limits."""
    path = tmp_path / "deep.ttl"
    path.write_text(TURTLE_HEAD + body, encoding="utf-8")
    outcome = run_cli(tmp_path, "validate", str(path))
    # The file holds no claim, so it may conform (0); what matters is no crash and no hang.
    assert_handled(outcome, (0, 1, 2))


@pytest.mark.slow
def test_yaml_with_many_keys_is_handled(tmp_path: Path) -> None:
    """A YAML mapping with 100,000 keys is refused in time, with a message."""
    path = tmp_path / "wide.yaml"
    path.write_text("".join(f"key{i}: {i}\n" for i in range(100_000)), encoding="utf-8")
    outcome = run_cli(tmp_path, "validate", str(path))
    assert_handled(outcome, (2,))
    assert "wide.yaml" in outcome.stderr


def long_quote_claim(tmp_path: Path) -> Path:
    """The valid claim with a 2 MB quote on one line (not in the document)."""
    text = VALID_CLAIM.read_text(encoding="utf-8")
    path = tmp_path / "long-line.yaml"
    path.write_text(
        text.replace("exact: Flere tusen sivile er på flukt", "exact: " + "x" * (2 * 1024 * 1024)),
        encoding="utf-8",
    )
    return path


def test_very_long_line_is_handled(tmp_path: Path) -> None:
    """A claim file with a 2 MB value is refused at once, naming the limit (exit 2)."""
    outcome = run_cli(tmp_path, "validate", str(long_quote_claim(tmp_path)), *REGISTRY)
    assert_handled(outcome, (2,))
    assert "a claim file's field may hold" in outcome.stderr


def test_long_values_are_shortened_in_messages(tmp_path: Path) -> None:
    """A report quotes long values shortened, so that one bad quote cannot flood the terminal."""
    outcome = run_cli(tmp_path, "validate", str(long_quote_claim(tmp_path)), *REGISTRY)
    assert_handled(outcome, (1, 2))
    report = outcome.stdout + outcome.stderr
    assert len(report) < 64 * 1024, f"{len(report):,} characters of report"


def test_local_copy_outside_the_claim_folder_is_refused(tmp_path: Path) -> None:
    """A document's localCopy must stay in the claim file's folder: no other file's text leaks."""
    secret = tmp_path / "outside.txt"
    secret.write_text("SECRET-TOKEN-0123456789 and more private text", encoding="utf-8")
    case = tmp_path / "case"
    case.mkdir()
    claim = case / "claims.yaml"
    claim.write_text(
        VALID_CLAIM.read_text(encoding="utf-8")
        .replace("aleppo:article", "aleppo:outside")
        .replace("start: 14", "start: 0")
        + f"""- id: aleppo:outside
  type: Document
  localCopy: ../outside.txt
  sha256: {hashlib.sha256(secret.read_bytes()).hexdigest()}
  inLanguage: nb
""",
        encoding="utf-8",
    )
    outcome = run_cli(tmp_path, "validate", str(claim), *REGISTRY)
    assert "SECRET-TOKEN" not in outcome.stdout + outcome.stderr, outcome.describe()
    assert_handled(outcome, (2,))
    assert "localCopy" in outcome.stderr
