"""The command line: parse options, call one library function, hand the result to one output.

Only this module imports click. Library errors (``ledger.errors``) become messages and exit
codes here, in one place: 0 success, 1 not conforming / verification failed, 2 usage or input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ledger import __version__, convert, output
from ledger.anchor import find_anchor
from ledger.errors import LedgerError
from ledger.load import MAX_DOCUMENT_BYTES, load_paths, read_text_file
from ledger.validate import validate_batch

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


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="claim-ledger")
def main() -> None:
    """claim-ledger: attributed, validated, hash-chained claims from news reports.

    \b
    Exit codes: 0 success; 1 claims do not conform or verification failed;
                2 usage error or unreadable input.
    """


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
def validate(paths: tuple[Path, ...], context_paths: tuple[Path, ...], fmt: str) -> None:
    """Check claim files against the shapes; list every problem with where and how to fix it.

    \b
    Examples:
      claim-ledger validate claims/aleppo-2016-11/
      claim-ledger validate my-claims.yaml --context claims/aleppo-2016-11/sources.yaml
      claim-ledger validate claims/aleppo-2016-11/ --format json
    """
    batch = load_paths(paths)
    context = [load_paths(context_paths)] if context_paths else []
    report = validate_batch(batch, context)
    text = output.validation_json(report) if fmt == "json" else output.validation_text(report)
    click.echo(text, nl=False)
    sys.exit(0 if report.conforms else 1)


@main.command("convert", context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option(
    "--to",
    "fmt",
    type=click.Choice(convert.FORMATS),
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
    click.echo(convert.serialize(load_paths(paths).quads, fmt), nl=False)



@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("document", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("exact")
@click.option(
    "--occurrence",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Which appearance of the words to anchor, when they appear more than once.",
)
def anchor(document: Path, exact: str, occurrence: int) -> None:
    """Print the Web Annotation selectors (YAML) that anchor EXACT words in DOCUMENT.

    Offsets count Unicode code points from the first character of the file, as the shapes do.

    \b
    Example:
      claim-ledger anchor claims/aleppo-2016-11/article.nb.txt "Om lag 10.000 sivile"
    """
    text = read_text_file(document, MAX_DOCUMENT_BYTES)
    click.echo(output.selectors_yaml(find_anchor(text, exact, occurrence)), nl=False)
