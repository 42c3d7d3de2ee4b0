"""The command line: parse options, call one library function, hand the result to one output.

Only this module imports click. Library errors (``ledger.errors``) become messages and exit
codes here, in one place: 0 success, 1 not conforming / verification failed, 2 usage or input.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ledger import __version__, api
from ledger.api import LedgerLocation
from ledger.errors import InputError, LedgerError
from ledger.publish import output

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Group(click.Group):
    """Turns every LedgerError into a message on stderr and its exit code; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)
        except RecursionError:
            click.secho("error: input nested too deeply to process", err=True, fg="red")
            ctx.exit(2)
        except MemoryError:
            click.secho("error: input too large to process in memory", err=True, fg="red")
            ctx.exit(2)
        except BrokenPipeError:
            # the reader of stdout went away (`| head`): stop quietly, as cat does; stdout goes
            # to /dev/null so that Python's flush at exit does not fail on the same pipe again
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: say so plainly, keep the traceback for the report
            if os.environ.get("CLAIM_LEDGER_DEBUG"):
                raise
            space = api.out_of_space(exc)
            if space is not None:  # not a bug: the disk (or the file size limit) is full
                click.secho(
                    f"error: the disk is full ({space}): {str(exc).splitlines()[0][:200]}\n"
                    "  hint: free space and run the command again; entries already written are "
                    "safe, and the query index and findings catch up on the next command",
                    err=True,
                    fg="red",
                )
                ctx.exit(2)
            click.secho(
                f"internal error (a bug in claim-ledger, please report it): "
                f"{type(exc).__name__}: {exc}\n"
                "  hint: run again with CLAIM_LEDGER_DEBUG=1 to see the traceback",
                err=True,
                fg="red",
            )
            ctx.exit(2)


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="claim-ledger")
@click.option(
    "--ledger",
    "location",
    envvar="CLAIM_LEDGER",
    default=api.DEFAULT_DIRECTORY,
    show_default=True,
    help="The ledger: a directory, or the URL of a SPARQL 1.1 server (env CLAIM_LEDGER).",
)
@click.option(
    "--query-endpoint",
    help="The server's query endpoint (default URL/query; URL itself if it ends in /sparql).",
)
@click.option(
    "--update-endpoint",
    help="The server's update endpoint (default URL/update; URL itself if it ends in /sparql).",
)
@click.pass_context
def main(
    ctx: click.Context, location: str, query_endpoint: str | None, update_endpoint: str | None
) -> None:
    """claim-ledger: attributed, validated, hash-chained claims from news reports.

    \b
    Exit codes: 0 success; 1 claims do not conform or verification failed;
                2 usage error or unreadable input.
    """
    ctx.obj = LedgerLocation(location, query_endpoint, update_endpoint)


def default_author() -> str:
    """The user's login name, as a default author of entries."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class AliasedOption(click.Option):
    """An option whose first name is the one help shows; the others are hidden aliases (the
    names older versions used), still accepted."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        names = self.opts
        self.opts = names[:1]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = names


def checker_option(what: str, *, required: bool = False) -> Callable[[F], F]:
    """``--by NAME``: the checker acting (``--author`` still accepted, hidden from help).

    required: no default (the login name) is taken; the checker must be named.
    """
    # a required option gets no default at all (click reads an explicit None as a value)
    default: dict[str, Any] = {} if required else {"default": default_author()}
    option: Callable[[F], F] = click.option(
        "--by",
        "--author",
        "author",
        cls=AliasedOption,
        required=required,
        show_default=not required,
        metavar="CHECKER",
        help=f"The checker who {what}.",
        **default,
    )
    return option


def as_written(reference: str) -> str:
    """A claim or entry reference as tables and reasons print it: a hash prefix that ends in
    "…" (the analysis's reasons cut hashes so) means the prefix."""
    return reference.strip().removesuffix("…")


unverified_option = click.option(
    "--unverified",
    is_flag=True,
    help="Run even if the ledger's chain does not verify (the data may have been changed).",
)


paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False)
)


@main.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option(
    "--context",
    "context_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra claim files or folders (sources, entities) the PATHS rely on; validated too.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--engine",
    type=click.Choice(api.ENGINES),
    default="turbo",
    show_default=True,
    help="SHACL engine: pyshacl-turbo (fast) or pySHACL (the reference; same verdicts).",
)
def validate(
    paths: tuple[Path, ...], context_paths: tuple[Path, ...], fmt: str, engine: str
) -> None:
    """Check claim files against the shapes; list every problem with where and how to fix it.

    \b
    Examples:
      claim-ledger validate claims/aleppo-2016-11/
      claim-ledger validate my-claims.yaml --context claims/aleppo-2016-11/sources.yaml
      claim-ledger validate claims/aleppo-2016-11/ --format json
    """
    report = api.validate_files(paths, context_paths, engine=engine)
    text = output.validation_json(report) if fmt == "json" else output.validation_text(report)
    click.echo(text, nl=False)
    sys.exit(0 if report.conforms else 1)


@main.command("convert", context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option(
    "--to",
    "fmt",
    type=click.Choice(api.CONVERT_FORMATS),
    default="turtle",
    show_default=True,
    help="The RDF syntax to print.",
)
def convert_(paths: tuple[Path, ...], fmt: str) -> None:
    """Print the RDF that claim files mean (YAML as Turtle, N-Triples or JSON-LD).

    \b
    Examples:
      claim-ledger convert claims/aleppo-2016-11/claims.yaml --to turtle
      claim-ledger convert claims/aleppo-2016-11/ --to nt
    """
    click.echo(api.convert_files(paths, fmt), nl=False)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("exact")
@click.option(
    "--occurrence",
    type=click.IntRange(min=1),
    default=None,
    help="Which appearance of the words to anchor (1 = the first); required when they appear "
    "more than once.",
)
def anchor(document: Path, exact: str, occurrence: int | None) -> None:
    """Print the Web Annotation selectors (YAML) that anchor EXACT words in DOCUMENT.

    Offsets count Unicode code points from the first character of the file, as the shapes do.
    Words that appear more than once are refused, each appearance listed with its context,
    until --occurrence says which one.

    \b
    Examples:
      claim-ledger anchor claims/aleppo-2016-11/article.nb.txt "Om lag 10.000 sivile"
      claim-ledger anchor claims/aleppo-2016-11/article.nb.txt "SOHR" --occurrence 2
    """
    click.echo(output.selectors_yaml(api.anchor_quote(document, exact, occurrence)), nl=False)


@main.command("extract", context_settings=CONTEXT_SETTINGS)
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--lang",
    type=click.Choice(api.EXTRACT_LANGUAGES),
    required=True,
    help="The article's language.",
)
@click.option("--published", help="When the article was published: YYYY-MM-DD, YYYY-MM or YYYY.")
@click.option("--outlet", help="The outlet's name (own-voice statements are its claims).")
@click.option(
    "--sources",
    type=click.Path(path_type=Path),
    help="The source registry (a claim file or folder with names and aliases).",
)
@click.option(
    "--evaluate",
    "gold",
    type=click.Path(path_type=Path),
    help="Score the draft against this hand-made case instead of printing it "
    "(its sources.yaml is the registry unless --sources says otherwise).",
)
@click.option(
    "--page",
    is_flag=True,
    help="With --evaluate: the gold covers many pages; score against the claims quoting "
    "ARTICLE only.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(output.ROW_FORMATS),
    default="table",
    show_default=True,
    help="How --evaluate prints its figures.",
)
def extract_command(
    article: Path,
    lang: str,
    published: str | None,
    outlet: str | None,
    sources: Path | None,
    gold: Path | None,
    page: bool,
    fmt: str,
) -> None:
    """Print a draft claim file (YAML) of an article's attributed statements, for a checker.

    Whatever the rules could not decide is listed in each claim's 'toCheck'; `validate` reports
    those entries and `add` refuses the draft until a checker has decided them. Save the draft
    beside the article: the draft's document names the article by its file name.

    \b
    Examples:
      claim-ledger extract article.txt --lang en --published 2016-11-28 \\
          --sources sources.yaml > draft.yaml
      claim-ledger validate draft.yaml --context sources.yaml
      claim-ledger extract claims/aleppo-2016-11/article.nb.txt --lang nb \\
          --evaluate claims/aleppo-2016-11/
    """
    if gold is None:
        click.echo(api.extract_article(article, lang, published, outlet, sources), nl=False)
        return
    evaluation = api.evaluate_extraction(article, gold, lang, published, outlet, sources, page=page)
    click.echo(
        output.rows(["metric", "value", "matched", "total"], evaluation.rows(), fmt), nl=False
    )
    for line in evaluation.misses():
        click.echo(line, err=True)


@main.command("review-draft", context_settings=CONTEXT_SETTINGS)
@click.argument("draft", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--sources",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The source registry file: proposed sources come from it, new ones are promoted to it.",
)
@click.option(
    "--entities",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A claim file with the case's entities (places, forces, groups) to propose as subjects.",
)
@click.option(
    "--vocabulary",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The case's vocabulary.yaml: its own properties are proposed when the words match "
    "their labels. Default: the vocabulary.yaml beside --sources, else beside the draft, if any.",
)
@click.option(
    "--non-interactive",
    is_flag=True,
    help="Apply only the certain answers, then print what is left.",
)
def review_draft_command(
    draft: Path,
    sources: Path | None,
    entities: Path | None,
    vocabulary: Path | None,
    non_interactive: bool,
) -> None:
    """Go through a draft's 'toCheck' entries one at a time, with the likely answers proposed.

    Each entry shows the sentence with the quote highlighted and numbered proposals: Enter (or
    a) accepts the first, a digit another, e types an answer, s skips, q saves and stops. The
    draft (and the registry, for a promoted source) is rewritten in place after each answer,
    keeping comments and order.

    \b
    Examples:
      claim-ledger extract article.txt --lang en --published 2025-03-11 \\
          --sources sources.yaml > draft.yaml
      claim-ledger review-draft draft.yaml --sources sources.yaml
      claim-ledger review-draft draft.yaml --sources sources.yaml --non-interactive
      claim-ledger review-draft draft.yaml --sources sources.yaml --vocabulary vocabulary.yaml
    """
    session = api.open_draft_review(draft, sources, entities, vocabulary)
    if session.vocabulary_path is not None:
        click.echo(
            f"the case's own properties: {len(session.declared)} from {session.vocabulary_path}",
            err=True,
        )
    if non_interactive:
        for item, proposal in session.apply_certain():
            click.echo(f"decided: {item.node_id} {item.field}: {proposal.label}")
        _echo_left(session)
        return
    if not sys.stdin.isatty():
        raise click.UsageError(
            "review-draft asks questions in a terminal; without one, give --non-interactive"
        )
    _review_in_terminal(session)
    _echo_left(session)


def _review_in_terminal(session: api.ReviewSession) -> None:
    """The dialogue: one entry at a time, one key press per answer."""
    total = len(session.remaining())
    done = 0
    while (item := session.next_item()) is not None:
        done += 1
        proposals = session.proposals(item)
        _show_item(session, item, proposals, done, total)
        try:
            key = click.getchar()
        except (KeyboardInterrupt, EOFError):
            key = "q"
        click.echo()
        if key in ("\r", "\n", "a") and proposals:
            session.resolve(item, proposals[0])
        elif key.isdigit() and 1 <= int(key) <= len(proposals):
            session.resolve(item, proposals[int(key) - 1])
        elif key == "e":
            hint = api.REVIEW_EDIT_HELP.get(item.field, "the value")
            answer = click.prompt(f"{item.field} ({hint})", default="", show_default=False)
            try:
                session.edit(item, answer)
            except LedgerError as exc:
                click.secho(f"not applied: {exc.message}", fg="red", err=True)
                done -= 1
        elif key == "s":
            session.skip(item)
        elif key in ("q", "\x03", "\x04"):
            break
        else:
            click.secho(f"unknown key {key!r}", fg="red", err=True)
            done -= 1


def _show_item(
    session: api.ReviewSession,
    item: api.ReviewItem,
    proposals: list[api.ReviewProposal],
    number: int,
    total: int,
) -> None:
    """One entry: where it is, the sentence with its quote highlighted, the proposals."""
    context = session.context(item)
    click.echo()
    click.secho(f"[{number}/{total}] {item.node_id} · {item.field}", bold=True)
    click.echo(
        "  " + context.before + click.style(context.quote, reverse=True, bold=True) + context.after
    )
    click.echo(f"  to decide: {item.mark}")
    for index, proposal in enumerate(proposals, start=1):
        certain = "  (certain)" if proposal.certain else ""
        click.echo(f"  {index}) {proposal.label}{certain}")
    if not proposals:
        click.echo("  (no proposal: type an answer with e, or skip)")
    keys = "[Enter] accept 1  [1-9] choose  " if proposals else ""
    click.echo(f"  {keys}[e] edit  [s] skip  [q] save and quit: ", nl=False)


def _echo_left(session: api.ReviewSession) -> None:
    """What is still to decide, one line each."""
    left = session.remaining()
    click.echo(f"left: {len(left)} entr{'y' if len(left) == 1 else 'ies'} to decide")
    for item in left:
        click.echo(f"  {item.node_id}: {item.mark}")


# ---------------------------------------------------------------------------- the ledger

pass_location = click.make_pass_decorator(LedgerLocation)
row_format = click.option(
    "--format", "fmt", type=click.Choice(output.ROW_FORMATS), default="table", show_default=True
)
wide_option = click.option(
    "--wide",
    is_flag=True,
    help="Table: every column, long cells unwrapped (wider than the terminal).",
)
full_iri_option = click.option(
    "--full-iri", "full_iri", is_flag=True, help="Table: IRIs as they are, not short ids and names."
)


def row_labels(ledger: api.Backend, rows: Sequence[Mapping[str, Any]]) -> api.Labels:
    """The labels JSON and CSV rows carry beside their IRIs (``output.LabelledRows``)."""
    return api.row_labels(ledger, output.table_iris(rows), output.pair_claims(rows))


def print_rows(
    ledger: api.Backend,
    command: str,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    wide: bool,
    full_iri: bool,
) -> None:
    """Rows in ``fmt``; a table names things by their labels and fits the terminal (see
    ``output.table_view``); the other formats print every column as the rows have it, each
    IRI column with its label column beside it (``output.LabelledRows``)."""
    if fmt != "table":
        labelled = output.LabelledRows(columns, rows, row_labels(ledger, rows))
        for chunk in output.row_chunks(labelled.columns, labelled, fmt):
            click.echo(chunk, nl=False)
        return
    labels = api.Labels() if full_iri and command != "grade" else None
    if labels is None:
        labels = api.labels(ledger, output.table_iris(rows))
    width = output.terminal_width()
    chunks = output.table_view(
        command, rows, labels, width=width, wide=wide, full_iri=full_iri, columns=columns
    )
    for chunk in chunks:
        click.echo(chunk, nl=False)


@main.command(context_settings=CONTEXT_SETTINGS)
@pass_location
def init(location: LedgerLocation) -> None:
    """Create an empty ledger with its own id.

    \b
    Examples:
      claim-ledger init
      claim-ledger --ledger /srv/ledgers/aleppo init
    """
    ledger = location.create()
    click.echo(f"created ledger {ledger.id} in {location}")


@main.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@checker_option("adds the batch")
@click.option("--message", default="", help="Why the batch is added.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--check/--no-check",
    default=True,
    show_default=True,
    help="Report the conflicts between the added claims and the ledger.",
)
@pass_location
def add(
    location: LedgerLocation,
    paths: tuple[Path, ...],
    author: str,
    message: str,
    fmt: str,
    check: bool,
) -> None:
    """Validate claim files and append them to the ledger as one entry.

    Nothing is written unless every file conforms. A claim already in the ledger (same
    content) is reported and not added again. Then the added claims are checked against the
    ledger: "this batch conflicts with …" lists each conflict (and revision) they take part in.

    \b
    Example:
      claim-ledger add claims/aleppo-2016-11/ --by "A. Checker" --message "first pass"
    """
    ledger = location.open()
    result = api.add(ledger, paths, author=author, message=message, check=check)
    named = {r[c] for r in result.conflicts for c in ("claim_a", "claim_b")}
    labels = None
    if named and fmt == "text":
        labels = api.labels(ledger, named)
    elif result.conflicts:
        labels = row_labels(ledger, result.conflicts)
    click.echo(output.add_result(result, fmt, labels), nl=False)
    sys.exit(0 if result.report.conforms else 1)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("claim", callback=lambda _ctx, _param, value: as_written(value))
@click.option("--reason", required=True, help="Why the claim is retracted.")
@checker_option("retracts the claim")
@pass_location
def retract(location: LedgerLocation, claim: str, reason: str, author: str) -> None:
    """Retract a claim: a new entry; the claim stays in the ledger's history.

    CLAIM is the claim's IRI, the start of its hash, or the id its claim file gave it.

    \b
    Example:
      claim-ledger retract sohr-about-10000-fled --reason "SOHR corrected the figure"
    """
    record = api.retract(location.open(), claim, reason=reason, author=author)
    click.echo(output.entry_line(record))


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("claim", callback=lambda _ctx, _param, value: as_written(value))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--reason", required=True, help="Why the claim is superseded.")
@checker_option("supersedes the claim")
@pass_location
def supersede(
    location: LedgerLocation, claim: str, paths: tuple[Path, ...], reason: str, author: str
) -> None:
    """Replace CLAIM by the corrected claim(s) in PATHS, as one new entry.

    \b
    Example:
      claim-ledger supersede sohr-about-10000-fled corrected.yaml --reason "new SOHR count"
    """
    result = api.supersede(location.open(), claim, paths, reason=reason, author=author)
    click.echo(output.add_result(result, "text"), nl=False)
    sys.exit(0 if result.report.conforms else 1)


@main.command(context_settings=CONTEXT_SETTINGS)
@row_format
@wide_option
@full_iri_option
@pass_location
def log(location: LedgerLocation, fmt: str, wide: bool, full_iri: bool) -> None:
    """List the ledger's entries, oldest first (a table shows the start of each hash, which
    `show` takes; --full-iri or --wide the whole hash).

    \b
    Example:
      claim-ledger log --format json
    """
    ledger = location.open()
    rows = api.log_rows(ledger)
    columns = ["seq", "time", "kind", "author", "message", "hash"]
    print_rows(ledger, "log", columns, rows, fmt, wide=wide, full_iri=full_iri or wide)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("reference", callback=lambda _ctx, _param, value: as_written(value))
@pass_location
def show(location: LedgerLocation, reference: str) -> None:
    """Show an entry (by number, or its hash or the start of it, with or without "sha256:")
    or a claim (by IRI, hash prefix or file id; a bare hash prefix is a claim's first).

    \b
    Examples:
      claim-ledger show 1
      claim-ledger show sha256:4edce8d1eb11
      claim-ledger show sohr-about-10000-fled
    """
    ledger = location.open()
    if api.looks_like_entry(reference):
        record, nquads = api.show_entry(ledger, reference)
        click.echo(output.entry_text(record, nquads), nl=False)
        return
    try:
        shown = api.show_claim(ledger, reference)
    except InputError:
        if not re.fullmatch(r"[0-9a-f]{4,64}", reference.strip()):
            raise
        # no claim's hash starts so: the start of an entry's hash, as `log` shows it
        try:
            record, nquads = api.show_entry(ledger, reference)
        except InputError:
            raise InputError(
                f"no claim and no entry whose hash starts with {reference!r} in the ledger",
                hint="`claim-ledger claims` lists the claims, `claim-ledger log` the entries",
            ) from None
        click.echo(output.entry_text(record, nquads), nl=False)
        return
    click.echo(output.claim_text(shown, api.labels(ledger, [shown["claim"]])), nl=False)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also check the ledger against a checkpoint kept elsewhere.",
)
@click.option(
    "--deep",
    is_flag=True,
    help="Also prove every entry is the RDFC-1.0 canonical form of itself (several times slower).",
)
@click.option(
    "--derived",
    "derived_full",
    is_flag=True,
    help="Rebuild the query index and findings in a temporary place and compare every quad "
    "and row (default: cheap checks of both).",
)
@pass_location
def verify(
    location: LedgerLocation, checkpoint_file: Path | None, deep: bool, derived_full: bool
) -> None:
    """Recompute every entry's hash and the chain, then check the derived data against them.

    Exit 1 naming the first bad entry, or the derived store (query index, findings file) that
    differs from the entries and what differs.

    \b
    Examples:
      claim-ledger verify
      claim-ledger verify --checkpoint checkpoint-2016-11-28.txt
      claim-ledger verify --deep --derived
    """
    ledger = location.open()
    text = None if checkpoint_file is None else api.read_text_file(checkpoint_file, 64 * 1024)
    report = api.verify_ledger(ledger, checkpoint=text, deep=deep)
    click.echo(str(report))
    if not report.ok:
        click.echo("derived data: not checked (the entries themselves do not verify)")
        sys.exit(1)
    derived = api.check_derived(ledger, full=derived_full)
    if derived is not None:
        click.echo(str(derived))
    sys.exit(0 if derived is None or derived.ok else 1)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.option("--index", "index", is_flag=True, help="Rebuild the query index only.")
@click.option("--findings", "findings", is_flag=True, help="Rebuild the findings file only.")
@pass_location
def rebuild(location: LedgerLocation, index: bool, findings: bool) -> None:
    """Build the derived data (query index, findings file) again from the entries.

    Each store is built under a temporary name and then swapped in, so an interrupted rebuild
    leaves the old one. Without options, both are rebuilt.

    \b
    Examples:
      claim-ledger rebuild
      claim-ledger rebuild --index
    """
    both = not index and not findings
    done = api.rebuild_derived(location.open(), index=index or both, findings=findings or both)
    source = f"entries 1..{done.through}" if done.through else "the empty ledger"
    click.echo(f"rebuilt the {' and the '.join(done.stores)} from {source} in {done.seconds:.1f} s")


@main.command(context_settings=CONTEXT_SETTINGS)
@pass_location
def checkpoint(location: LedgerLocation) -> None:
    """Print the ledger's id, size and head hash: a short text to keep or publish elsewhere.

    \b
    Example:
      claim-ledger checkpoint > checkpoint-$(date +%F).txt
    """
    click.echo(location.open().checkpoint(), nl=False)


LEDGER_EXPORTS = ("nquads", "trig")
CLAIM_EXPORTS = ("claimreview", "prov", "nanopub", "csv")


@main.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(LEDGER_EXPORTS + CLAIM_EXPORTS),
    default="nquads",
    show_default=True,
    help="nquads/trig: the whole ledger, chain included (for `import`); claimreview: "
    "schema.org ClaimReview JSON-LD of reviewed claims (Google's fact-check markup); prov: "
    "PROV-O Turtle; nanopub: TriG, "
    "one nanopublication per claim; csv: one row per claim.",
)
@click.option(
    "--creator",
    help="nanopub: who publishes the nanopublications (an ORCID or organisation IRI); required.",
)
@click.option(
    "--license",
    "license_iri",
    default="https://creativecommons.org/licenses/by/4.0/",
    show_default=True,
    help="nanopub: the licence of the nanopublications (an IRI).",
)
@unverified_option
@pass_location
def export(
    location: LedgerLocation, fmt: str, creator: str | None, license_iri: str, unverified: bool
) -> None:
    """Print the ledger for another tool: the whole chain, or its claims in a standard form.

    \b
    Examples:
      claim-ledger export --format trig > ledger.trig
      claim-ledger export --format claimreview > claimreview.jsonld
      claim-ledger export --format nanopub --creator https://orcid.org/0000-0002-1825-0097
      claim-ledger export --format csv > claims.csv
    """
    if fmt == "nanopub" and not creator:
        raise click.UsageError(
            "a nanopublication names its creator: give --creator IRI "
            "(e.g. https://orcid.org/0000-0002-1825-0097)"
        )
    ledger = location.open()
    api.require_verified(ledger, unverified=unverified)
    if fmt in LEDGER_EXPORTS:
        click.echo(api.export_ledger(ledger, fmt), nl=False)
        return
    left_out: list[str] = []
    text = api.export_for_tools(
        ledger, fmt, creator=creator, license_iri=license_iri, left_out=left_out
    )
    click.echo(text, nl=False)
    for review_iri in left_out:
        click.echo(
            f"warning: review {review_iri} left out: it records no http(s) url of its "
            "published fact-check (review the claim again with --url)",
            err=True,
        )


@main.command("import", context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_location
def import_(location: LedgerLocation, file: Path) -> None:
    """Replay an export into a new, empty ledger, verifying every entry on the way.

    \b
    Example:
      claim-ledger --ledger restored/ import ledger.trig
    """
    record = api.import_ledger(location, file)
    click.echo(
        f"imported {record.seq if record else 0} entries; head {record.hash if record else '-'}"
    )


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("claim", callback=lambda _ctx, _param, value: as_written(value))
@click.option(
    "--rating",
    required=True,
    type=click.Choice(list(api.RATINGS)),
    help="The verdict: true, mostly-true, mixed, unproven, mostly-false, false.",
)
@click.option("--explanation", required=True, help="Why, in words a reader can check.")
@checker_option("gives the verdict (required)", required=True)
@click.option(
    "--url",
    required=True,
    help="The fact-check's own published page (http or https); never the claim's IRI.",
)
@click.option(
    "--organization",
    help="The fact-checking organisation that publishes the verdict (ClaimReview's author).",
)
@click.option("--organization-url", help="The organisation's home page (http or https).")
@pass_location
def review(
    location: LedgerLocation,
    claim: str,
    rating: str,
    explanation: str,
    author: str,
    url: str,
    organization: str | None,
    organization_url: str | None,
) -> None:
    """Record a fact-checker's verdict on a claim, as a new ledger entry.

    Ratings map to schema.org ClaimReview values from 5 (true, the best) to 1 (false, the
    worst); "unproven" is 3 with its own words. A later verdict by the same checker supersedes
    the earlier one. `export --format claimreview` publishes the verdicts.

    \b
    Example:
      claim-ledger review sohr-less-than-1km-from-sakhour --rating mostly-true \\
        --explanation "Two independent sources agree" --by "A. Checker" \\
        --url https://factcheck.example.org/sakhour --organization "Example Fact Check" \\
        --organization-url https://factcheck.example.org/
    """
    record = api.review(
        location.open(),
        claim,
        rating=rating,
        explanation=explanation,
        by=author,
        url=url,
        organization=organization,
        organization_url=organization_url,
    )
    click.echo(output.entry_line(record))


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("source")
@click.option(
    "--reliability",
    required=True,
    type=click.Choice(list(api.RELIABILITY), case_sensitive=False),
    metavar="A-F",
    help="A completely reliable, B usually, C fairly, D not usually, E unreliable, "
    "F cannot be judged.",
)
@click.option("--rationale", required=True, help="Why, in words a reader can check.")
@checker_option("makes the assessment (required)", required=True)
@pass_location
def assess(
    location: LedgerLocation, source: str, reliability: str, rationale: str, author: str
) -> None:
    """Record a fact-checker's assessment of a source's reliability (A-F), as a new entry.

    SOURCE as the claim files write it: src:sohr, sohr, or the source's IRI. A later
    assessment by the same checker revises the earlier one; `grade` shows the letter and the
    report's source page shows who assessed what, when and why.

    \b
    Example:
      claim-ledger assess src:sohr --reliability B --by "A. Checker" \\
        --rationale "Figures matched later UN counts in 2016-2018"
    """
    record = api.assess(
        location.open(), source, reliability=reliability, rationale=rationale, by=author
    )
    click.echo(output.entry_line(record))


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write the report into.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True
)
@click.option("--case", help="Only this case (its identifier, e.g. aleppo-2016-11).")
@click.option("--claim", help="Only this claim (IRI, hash prefix or file id).")
@click.option("--source", help="Only this source (its IRI, src:sohr or its last part, sohr).")
@click.option(
    "--as-of", "as_of", help="The ledger as it stood at an entry (number or hash) or date."
)
@unverified_option
@pass_location
def report(
    location: LedgerLocation,
    paths: tuple[Path, ...],
    out: Path,
    fmt: str,
    case: str | None,
    claim: str | None,
    source: str | None,
    as_of: str | None,
    unverified: bool,
) -> None:
    """Write a provenance report (HTML or Markdown): overview, a page per claim and per source.

    With PATHS, the report covers those claim files; without, the ledger.

    \b
    Examples:
      claim-ledger report --out report/
      claim-ledger report --format md --case aleppo-2016-11 --out report-md/
      claim-ledger report --as-of 2016-11-28 --out report-then/
      claim-ledger report claims/aleppo-2016-11/ --out preview/
    """
    if paths and as_of is not None:
        raise click.UsageError("--as-of reads the ledger; it cannot be used with PATHS")
    if not paths:
        api.require_verified(location.open(), unverified=unverified)
    selected = {"case": case, "claim": claim, "source": written_reference(source)}
    click.echo(write_report(location, paths, out, fmt, as_of=as_of, **selected))


def write_report(
    location: LedgerLocation,
    paths: tuple[Path, ...],
    out: Path,
    fmt: str,
    as_of: str | None = None,
    **selectors: Any,
) -> str:
    written = api.render_report(location, paths, out, fmt, as_of=as_of, **selectors)
    pages = [p for p in written if p.suffix == f".{fmt}"]
    index = out / f"index.{fmt}"
    # the overview when there is one, else the one claim or source page written
    first = index if index in pages else (pages[0] if pages else out)
    return f"wrote {len(written)} file(s) to {out}; open {first}"


@main.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option(
    "--out",
    default="report",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder to write the provenance report into.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True
)
@checker_option("adds the batch")
@click.option("--message", default="", help="Why the batch is added.")
@unverified_option
@pass_location
def run(
    location: LedgerLocation,
    paths: tuple[Path, ...],
    out: Path,
    fmt: str,
    author: str,
    message: str,
    unverified: bool,
) -> None:
    """The main job: add claim files to the ledger, find corroborations and conflicts, report.

    Creates the ledger if there is none. Nothing is written if the claims do not conform, nor
    if the ledger's chain does not verify (exit 1, naming the bad entry); --unverified adds
    and reports anyway, and the report says on every page that the chain failed.

    \b
    Example:
      claim-ledger run claims/aleppo-2016-11/ --out report/
    """
    result = api.run_main_job(
        location,
        paths,
        out=out,
        fmt=fmt,
        author=author,
        message=message or "claim-ledger run",
        unverified=unverified,
    )
    click.echo(output.run_text(location, result), nl=False)
    if result.unverified_chain is not None:
        click.echo(
            f"warning: the ledger's chain does not verify ({result.unverified_chain}); "
            "--unverified added and reported anyway: the report says so on every page",
            err=True,
        )
    sys.exit(0 if result.add.report.conforms else 1)


# ---------------------------------------------------------------------------- analysis


def written_reference(text: str | None) -> str | None:
    """A source or place as claim files write it: ``src:sohr`` (a prefix the file declared)
    is looked up by its local part, ``sohr``; IRIs and names go to the analysis as given."""
    if text is None:
        return None
    text = text.strip()
    match = re.fullmatch(r"([A-Za-z][\w.-]*):([^\s/:][^\s:]*)", text)
    if match and match.group(1).lower() not in ("http", "https", "urn", "tag"):
        return match.group(2)
    return text


def analysis_options(command: F) -> F:
    """The filters and output options every analysis command shares."""
    options = [
        click.option("--case", help="Only claims of this case (its identifier)."),
        click.option(
            "--source",
            help="Only claims of this source: as claim files write it (src:sohr), its last "
            "part (sohr), its IRI or its name.",
        ),
        click.option(
            "--place",
            help="Only propositions about this place (or a place in it): ent:sakhour, sakhour, "
            "its IRI or its name.",
        ),
        click.option(
            "--property", "prop", help="Only this proposition property (e.g. controlledBy)."
        ),
        click.option(
            "--time", help="Only propositions whose event time meets this date or date/date."
        ),
        click.option(
            "--status",
            type=click.Choice(["current", "retracted", "superseded", "all"]),
            default="current",
            show_default=True,
        ),
        click.option(
            "--as-of", "as_of", help="The ledger as it stood at an entry (number or hash) or date."
        ),
        row_format,
        unverified_option,
        wide_option,
        full_iri_option,
        pass_location,
    ]
    for option in reversed(options):
        command = option(command)  # type: ignore[operator]  # click's decorators are untyped
    return command


def analysis_command(name: str, function: str, columns: str, doc: str) -> None:
    """Register a row-printing analysis command (claims, conflicts, corroborations, grade)."""

    @analysis_options
    def command(
        location: LedgerLocation,
        fmt: str,
        as_of: str | None,
        case: str | None,
        source: str | None,
        place: str | None,
        prop: str | None,
        time: str | None,
        status: str,
        unverified: bool,
        wide: bool,
        full_iri: bool,
    ) -> None:
        ledger = location.open()
        api.require_verified(ledger, unverified=unverified)
        rows = api.analyse(
            ledger,
            api.analysis_part(function),
            as_of,
            case=case,
            source=written_reference(source),
            place=written_reference(place),
            property=prop,
            time=time,
            status=status,
        )
        rows = api.with_reliability(ledger, rows, as_of)
        print_rows(
            ledger, name, api.analysis_part(columns), rows, fmt, wide=wide, full_iri=full_iri
        )

    command.__doc__ = doc
    main.command(name, context_settings=CONTEXT_SETTINGS)(command)


analysis_command(
    "claims",
    "list_claims",
    "CLAIM_COLUMNS",
    """List and filter the ledger's claims.

    \b
    Examples:
      claim-ledger claims --source sohr
      claim-ledger claims --property controlledBy --status all --format csv
    """,
)
analysis_command(
    "corroborations",
    "find_corroborations",
    "CORROBORATION_COLUMNS",
    """Pairs of claims that say the same thing, with their kind: independent, aligned or
    same-origin, and the reason. Corroboration counts independent origins, never outlets.

    \b
    Examples:
      claim-ledger corroborations
      claim-ledger corroborations --place sakhour --format json
    """,
)
analysis_command(
    "conflicts",
    "find_conflicts",
    "CONFLICT_COLUMNS",
    """Pairs of claims that cannot both be true (different controller at the same time,
    figures whose ranges do not overlap, an assertion and a denial), and revisions.

    \b
    Examples:
      claim-ledger conflicts
      claim-ledger conflicts --as-of 1 --format csv
    """,
)
analysis_command(
    "scope-warnings",
    "find_scope_warnings",
    "SCOPE_WARNING_COLUMNS",
    """Pairs of claims that give the same figure for different scopes (another window, a
    running total against a count within a period): neither a conflict nor support.

    \b
    Examples:
      claim-ledger scope-warnings
      claim-ledger scope-warnings --property displacedCount --format json
    """,
)
analysis_command(
    "grade",
    "grade_claims",
    "GRADE_COLUMNS",
    """One row per claim: Admiralty-style credibility 1-6 with its reasons, and the checker's
    source reliability A-F (F, cannot be judged, unless a checker assessed the source).
    The table's for/against counts the independent origins that support and contradict each
    claim (reliability is shown once a source is assessed); --wide shows every column.

    \b
    Example:
      claim-ledger grade --case aleppo-2016-11
    """,
)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("corpus", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--with-review",
    "review",
    is_flag=True,
    help="Score against expected.yaml plus each event's review.yaml (a second annotator's "
    "additions, written blind to the output); its disputes are listed, not applied.",
)
def evaluate(corpus: Path, fmt: str, review: bool) -> None:
    """Measure the analysis on a corpus of events whose expected relations were written first.

    Each event folder (expected.yaml and its claim files, or case/) is added to a temporary
    ledger and analysed; prints per event and overall conflict precision and recall, traps
    flagged, corroborations found and rightly labelled, scope warnings, and every miss and false
    finding with the analysis's reason. Exits 0 whatever the figures: it is a measurement.

    \b
    Examples:
      claim-ledger evaluate tests/data/corpus/
      claim-ledger evaluate tests/data/corpus/ --with-review
    """
    click.echo(output.evaluation_text(api.evaluate(corpus, review=review), fmt), nl=False)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Stop the query after this many seconds.",
)
@click.option(
    "--memory",
    type=click.IntRange(min=16),
    default=api.DEFAULT_QUERY_MEMORY_MIB,
    show_default=True,
    help="Stop the query when it needs more than this many MiB of memory.",
)
@click.option(
    "--as-of", "as_of", help="The ledger as it stood at an entry (number or hash) or date."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(output.ROW_FORMATS + ("turtle", "nt", "json-ld")),
    default=None,
    help="SELECT and ASK: table (default), json, jsonl, csv or tsv; CONSTRUCT and DESCRIBE: "
    "turtle (default), nt or json-ld (compacted with the project's context), or rows.",
)
@unverified_option
@pass_location
def query(
    location: LedgerLocation,
    file: Path,
    timeout: float,
    memory: int,
    as_of: str | None,
    fmt: str | None,
    unverified: bool,
) -> None:
    """Run your own read-only SPARQL query (FILE.rq, or - for standard input) on the ledger.

    Refused before it runs: SERVICE, any update or LOAD, a query that does not parse.
    SELECT prints rows (numbers stay numbers in JSON); CONSTRUCT and DESCRIBE print RDF.

    \b
    Examples:
      claim-ledger query my-query.rq --format csv
      echo 'SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/claim-ledger/ns#Claim> }' \\
        | claim-ledger query - --format json
      echo 'DESCRIBE ?c WHERE { ?c a <https://w3id.org/claim-ledger/ns#Claim> } LIMIT 1' \\
        | claim-ledger query - --format nt
    """
    from ledger.publish import query as queries

    text = sys.stdin.read() if str(file) == "-" else api.read_text_file(file, 1024 * 1024)
    ledger = location.open()
    api.require_verified(ledger, unverified=unverified)
    with api.user_query(
        ledger,
        text,
        as_of=as_of,
        graphs_as_rows=queries.graphs_as_rows(fmt),
        timeout_s=timeout,
        memory_mib=memory,
    ) as answer:
        for piece in queries.answer_text(answer, fmt):
            click.echo(piece, nl=False)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; anything but a loopback address exposes the ledger.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="The port to listen on (0 picks a free one).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Stop a SPARQL query after this many seconds.",
)
@click.option(
    "--memory",
    type=click.IntRange(min=16),
    default=api.DEFAULT_QUERY_MEMORY_MIB,
    show_default=True,
    help="Stop a SPARQL query when it needs more than this many MiB of memory.",
)
@unverified_option
@pass_location
def serve(
    location: LedgerLocation, host: str, port: int, timeout: float, memory: int, unverified: bool
) -> None:
    """Serve a read-only local web site over the ledger: pages, search, JSON and SPARQL.

    The overview (findings first), every claim, source and document, lists of conflicts and
    corroborations with facets and search; every page also as JSON (add .json to its path);
    a SPARQL 1.1 endpoint at /sparql. Ctrl-C stops it.

    \b
    Examples:
      claim-ledger serve
      claim-ledger serve --port 8000
      curl 'http://127.0.0.1:8080/conflicts.json?source=sohr'
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \
        http://127.0.0.1:8080/sparql
    """
    if not api.is_loopback_host(host):
        click.secho(
            f"WARNING: listening on {host}, not on a loopback address: anyone who can reach it "
            "can read the whole ledger (there is no login). Use --host 127.0.0.1 unless you "
            "mean it.",
            err=True,
            fg="red",
            bold=True,
        )
    ledger = location.open()
    api.require_verified(ledger, unverified=unverified)
    api.serve(
        ledger,
        host=host,
        port=port,
        timeout_s=timeout,
        memory_mib=memory,
        ready=lambda url: click.echo(f"serving {url} (read-only; Ctrl-C stops)"),
    )
