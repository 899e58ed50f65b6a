"""The ``prasa`` command: reindex, search, extract, stats, serve."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sys
from pathlib import Path

import click

from indexer import (
    ExtractError,
    IndexBusy,
    IndexMissing,
    Problem,
    default_index_dir,
    extract,
    index_label,
    read_file,
    reindex_into,
)
from search import (
    EXPORT_FORMATS,
    EXPORT_LIMIT,
    FACETS,
    MATCHES,
    MAX_EXPORT,
    SORTS,
    UI_LANGS,
    BadRequest,
    SearchRequest,
    open_service,
    parse_day,
    translation_status,
)

_INDEX = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
                      help="Index folder (default: $PRASA_INDEX or ./prasa-index).")
_MARK = re.compile(r"</?mark>")


def _reference(value: str | None) -> dt.date | None:
    try:
        return parse_day(value, "--reference-date")
    except BadRequest as e:
        raise click.BadParameter(str(e)) from None


@click.group()
@click.version_option(package_name="prasa", prog_name="prasa")
def main() -> None:
    """prasa: full-text search for press items in Polish and English."""


class _Progress:
    """A progress bar on a terminal, a log line every few thousand items otherwise."""

    def __init__(self):
        self.bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(unit=" items", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n - self.bar.n)
        elif n % 5000 == 0:
            click.echo(f"… {n} items read", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@main.command("reindex")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@_INDEX
@click.option("--full", is_flag=True, help="Rebuild from scratch into a new folder, then swap it in.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes for extraction and indexing.")
@click.option("--reference-date", help="Year source for dates written without one (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--watch", is_flag=True, help="Keep running; reindex when files change (Ctrl-C stops).")
def reindex_command(sources, index_dir, full, jobs, reference_date, as_json, watch):
    """Index press items from files and folders (incremental unless --full)."""
    index_dir = index_dir or default_index_dir()
    if watch:
        _watch(list(sources), index_dir, jobs, _reference(reference_date), as_json)
        return
    progress = _Progress()
    try:
        summary = reindex_into(list(sources), index_dir, full=full, jobs=jobs,
                               reference=_reference(reference_date), progress=progress)
    except (IndexBusy, IndexMissing, ValueError) as e:
        raise click.ClickException(str(e)) from None
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    else:
        _print_summary(summary, index_dir)
    if not summary.ok:
        sys.exit(1)


def _watch(sources, index_dir: Path, jobs: int, reference, as_json: bool) -> None:
    import signal
    import threading

    from indexer import watch

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def report(summary):
        if as_json:
            click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
        else:
            _print_summary(summary, index_dir)
        sys.stdout.flush()

    click.echo(f"prasa: watching {', '.join(map(str, sources))} (Ctrl-C stops)", err=True)
    try:
        watch(sources, index_dir, reference=reference, jobs=jobs, report=report, stop=stop)
    except IndexBusy as e:
        raise click.ClickException(str(e)) from None
    except KeyboardInterrupt:
        pass


def _print_summary(summary, index_dir: Path) -> None:
    for path in summary.missing_sources:
        click.echo(f"error: cannot read source {path}", err=True)
    click.echo(
        f"{index_label(index_dir)}: {summary.documents} documents — added {summary.added}, "
        f"updated {summary.updated}, deleted {summary.deleted}, unchanged {summary.unchanged}, "
        f"failed {len(summary.failed)} ({summary.seconds:.1f} s)"
    )
    for label, lines in (("failed", summary.failed), ("language", summary.declared_overridden)):
        for line in lines[:20]:
            click.echo(f"  {label}: {line}", err=True)
        if len(lines) > 20:
            click.echo(f"  … and {len(lines) - 20} more (see --json)", err=True)


class _SearchCommand(click.Command):
    """``prasa search`` with one repeatable option per facet, read from ``search.FACETS`` when run."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        facet_options = [click.Option([f"--{f.param}", f"facet_{f.name}"], multiple=True,
                                      help=f"{f.description} (repeatable).") for f in FACETS]
        return params[:-1] + facet_options + params[-1:]  # --help stays last


@main.command("search", cls=_SearchCommand)
@click.argument("query", default="")
@_INDEX
@click.option("--from", "date_from", help="Earliest date, YYYY-MM-DD.")
@click.option("--to", "date_to", help="Latest date, YYYY-MM-DD.")
@click.option("--sort", type=click.Choice(list(SORTS)), default="relevance")
@click.option("--match", type=click.Choice(list(MATCHES)), default="most",
              help="Items with every word first, then most of them (most); every word (all); any word (any).")
@click.option("--collapse", is_flag=True, help="Fold near-duplicate reprints into one hit.")
@click.option("--no-translate", is_flag=True, help="Search each word in its own language only.")
@click.option("--page", type=int, default=1)
@click.option("--per-page", type=int, default=10)
@click.option("--ui-lang", type=click.Choice(list(UI_LANGS)), default="en")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the web API returns.")
@click.option("--export", "export_format", type=click.Choice(list(EXPORT_FORMATS)),
              help="Write every match (not a page) to standard output as CSV or JSON Lines, streamed.")
@click.option("--limit", type=int, default=EXPORT_LIMIT, show_default=True,
              help=f"With --export: at most this many items (up to {MAX_EXPORT:,}).")
def search_command(query, index_dir, date_from, date_to, sort, match, collapse, no_translate, page, per_page,
                   ui_lang, as_json, export_format, limit, **facet_values):
    """Search the index (the query syntax is in the README)."""
    try:
        # the very path /api/search takes: the same parameters, the same checks and resolution
        params = {"q": [query], "from": [date_from or ""], "to": [date_to or ""], "sort": [sort],
                  "match": [match], "collapse": ["1" if collapse else "0"],
                  "translate": ["0" if no_translate else "1"], "page": [str(page)],
                  "per_page": [str(per_page)], "ui": [ui_lang],
                  **{f.param: list(facet_values.get(f"facet_{f.name}") or ()) for f in FACETS}}
        request = SearchRequest.from_params(params)
        if export_format:
            export = open_service(index_dir).export(request, limit, export_format)
            for line in export.lines(export_format):
                click.echo(line, nl=False)
            click.echo(f"exported {export.count} of {export.total} matches", err=True)
            return
        result = open_service(index_dir).search(request)
    except BadRequest as e:
        raise click.UsageError(str(e)) from None
    except (IndexMissing, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    _print_result(result)


def _terminal(marked_html: str) -> str:
    parts = _MARK.split(marked_html)
    return "".join(click.style(html.unescape(p), bold=True) if i % 2 else html.unescape(p)
                   for i, p in enumerate(parts))


def _print_result(result) -> None:
    if result.notice:
        click.echo(f"note: {result.notice}")
    click.echo(f"{result.total} results (page {result.page} of {result.pages}, {result.took_ms} ms)")
    if result.suggestion:
        click.echo(f"did you mean: {result.suggestion}")
    if result.translations:
        click.echo("also searched as: " + "; ".join(
            f"{w} → {', '.join(f'{t} ({weight:.2f})' for t, weight in found)}"
            for w, found in result.translations.items()))
    for n, hit in enumerate(result.hits, start=result.per_page * (result.page - 1) + 1):
        meta = " · ".join(x for x in (hit["date"], hit["source"], hit["language"], hit["place"]) if x)
        click.echo(f"\n{n}. {_terminal(hit['title_html'])}\n   [{hit['id']}] {meta}")
        if hit["organizations"]:
            click.echo("   " + ", ".join(o["id"] for o in hit["organizations"]))
        click.echo("   " + _terminal(hit["snippet"]))
        if hit["versions"]:
            click.echo("   also: " + ", ".join(f"{v['id']} ({v['language']}, {v['source']})"
                                               for v in hit["versions"]))


@main.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--reference-date", help="Year source for dates written without one (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list (the default is text).")
def extract_command(files, reference_date, as_json):
    """Print the fields extracted from items, without indexing."""
    reference = _reference(reference_date)
    out, problems = [], []
    for path in files:
        for record in read_file(path):
            if isinstance(record, Problem):
                problems.append(record)
                continue
            try:
                out.append(extract(record, reference).summary())
            except ExtractError as e:
                problems.append(Problem(record.path, str(e)))
    for problem in problems:
        click.echo(f"failed: {problem}", err=True)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for item in out:
            click.echo("\n".join(f"{k}: {v}" for k, v in item.items()) + "\n")


@main.command("stats")
@_INDEX
@click.option("--json", "as_json", is_flag=True)
def stats_command(index_dir, as_json):
    """Counts of documents by language, source, organization and year."""
    try:
        stats = {**open_service(index_dir).stats(), "translation": translation_status()}
    except (IndexMissing, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=1))
        return
    click.echo(f"documents: {stats['documents']}")
    click.echo(f"translation: {stats['translation']}")
    for key in ("languages", "sources", "organizations", "years"):
        top = list(stats[key].items())[:15]
        click.echo(f"{key}: " + ", ".join(f"{k} {v}" for k, v in top))


@main.command("serve")
@_INDEX
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--processes", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: one per core).")
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Threads per worker process.")
def serve_command(index_dir, host, port, processes, threads):
    """Serve the search page and the JSON API (gunicorn: worker processes forked from one loaded app)."""
    from web import create_app
    from web.server import default_processes, serve

    app = create_app({"INDEX": str(index_dir)} if index_dir else None)
    processes = processes or default_processes()
    click.echo(f"prasa: serving {index_label(app.config['INDEX'])} on http://{host}:{port} "
               f"({processes} processes × {threads} threads)", err=True)
    serve(app, host, port, processes, threads)


if __name__ == "__main__":
    main()
