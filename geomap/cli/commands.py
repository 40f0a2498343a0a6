"""The commands that read articles and write what geomap makes of them: parse, map, export,
evaluate, train, batch and the gazetteer's. Each takes the parsed arguments and returns an exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geomap.cli.exit_codes import EXIT_OK, EXIT_PARTIAL
from geomap.cli.reading import load_inputs, parse_files
from geomap.errors import GeomapError, InputError
from geomap.normalize import MAX_NAME_LENGTH

if TYPE_CHECKING:
    pass


def _clean_name(raw: str) -> str:
    """A name from the command line, without control characters; bad names are InputError."""
    name = " ".join("".join(c if c.isprintable() else " " for c in raw).split())
    if not name:
        raise InputError("the place name is empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InputError(f"the place name is {len(name)} characters long; the limit is {MAX_NAME_LENGTH}")
    return name


def _open_gazetteer(args: argparse.Namespace):
    from geomap.resolution.gazetteer import Gazetteer

    return Gazetteer(args.index, auto_build=not args.no_build)


def cmd_gazetteer_build(args: argparse.Namespace) -> int:
    from gazetteer.build import build_index
    from geomap.resolution.gazetteer import Gazetteer, default_index_path

    path = Path(args.index) if args.index else default_index_path()
    if args.force or Gazetteer.problem_with(path) is not None:
        build_index(path, progress=args.progress)
        verb = "built"
    else:
        verb = "up to date"
    with Gazetteer(path, auto_build=False) as gaz:
        stats = gaz.stats()
    print(f"gazetteer index {verb}: {path} ({stats['places']:,} places, {stats['size_bytes'] / 1e6:.1f} MB)")
    return EXIT_OK


def cmd_gazetteer_lookup(args: argparse.Namespace) -> int:
    name = _clean_name(args.name)
    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    with _open_gazetteer(args) as gaz:
        matches = gaz.search(name, limit=args.limit)
    if args.json:
        rows = [{**m.place.to_dict(), "score": round(m.score, 4)} for m in matches]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not matches:
        print(f"no place named {name!r} in the gazetteer", file=sys.stderr)
        return EXIT_OK
    for rank, m in enumerate(matches, start=1):
        p = m.place
        country = p.country_code or ",".join(p.country_codes) or "-"
        print(
            f"{rank:>2}. {p.name:<32} {p.feature_type:<10} {country:<8} "
            f"{p.lat:>9.4f} {p.lon:>10.4f}  score {m.score:.3f}  id {p.id}"
        )
    return EXIT_OK


def cmd_gazetteer_stats(args: argparse.Namespace) -> int:
    with _open_gazetteer(args) as gaz:
        stats = gaz.stats()
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
        return EXIT_OK
    print(f"index      {stats['path']}  ({stats['size_bytes'] / 1e6:.1f} MB)")
    print(f"places     {stats['places']:,}   names {stats['names']:,}   demonyms {stats['demonyms']:,}")
    print("by feature type:")
    for key, value in sorted(stats["by_feature_type"].items(), key=lambda kv: -kv[1]):
        print(f"  {key:<14} {value:>8,}")
    print("by source:")
    for key, value in sorted(stats["by_source"].items(), key=lambda kv: -kv[1]):
        print(f"  {key:<34} {value:>8,}")
    return EXIT_OK


def default_output(files: Sequence[str], suffix: str) -> Path:
    """``maps/<input stem><suffix>`` for one input, ``maps/layered<suffix>`` for several."""
    stem = Path(files[0]).stem if len(files) == 1 and files[0] != "-" else "layered"
    return Path("maps") / f"{stem}{suffix}"


def cmd_parse(args: argparse.Namespace) -> int:
    parsed = parse_files([args.file], args.date, args.workers)
    if args.json:
        from geomap.outputs.files import json_line

        for article in parsed:
            sys.stdout.write(json_line(article.to_dict()))  # JSON Lines: one article per line
        return EXIT_OK
    for article in parsed:
        print(f"# {article.title or article.id}")
        if not article.places:
            print("  (no places found)")
        for rp in article.places:
            p = rp.place
            print(
                f"  {p.name:<30} {p.feature_type:<10} {p.country_code or '-':<3} "
                f"{p.lat:>9.4f} {p.lon:>10.4f}  conf {rp.confidence:.2f}  "
                f"as {', '.join(rp.mentions)}"
            )
        if article.incidents:
            print("  incidents:")
        for inc in article.incidents:
            where = inc.location_name or "(location not given)"
            killed = f"  killed {inc.fatalities}" if inc.fatalities is not None else ""
            print(
                f"  {inc.id:<14} {inc.incident_type:<26} {inc.date or '-':<10} at {where}"
                f"  [{inc.trigger}]{killed}"
            )
    return EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    from geomap.cli.store_commands import cmd_map_store, has_filters
    from geomap.outputs.files import write_text_atomic
    from geomap.outputs.render import render_map

    if args.db is not None:
        if args.files:
            raise InputError("give FILE... or --db, not both")
        if args.date is not None:
            raise InputError("--date dates the articles of FILE...; the store's incidents have theirs")
        return cmd_map_store(args)
    if not args.files:
        raise InputError("give the files to map, or --db to map the incident store")
    if has_filters(args) or args.limit is not None:
        raise InputError("--bbox, --since, --until, --type, --country and --limit filter the store: add --db")
    parsed = load_inputs(args.files, args.date, args.workers)
    if not any(a.places for a in parsed):
        raise GeomapError("no places found in the input; no map written")
    try:
        fmap = render_map(parsed, tiles=args.tiles)
    except ValueError as exc:  # folium/xyzservices: an unknown provider name
        raise InputError(f"--tiles {args.tiles!r}: {exc}") from None
    html = fmap.get_root().render()
    output = args.output or default_output(args.files, ".html")
    path = write_text_atomic(output, html, force=args.force)
    print(f"map written: {path}", file=sys.stderr)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from geomap.outputs.export import dumps
    from geomap.outputs.files import write_text_atomic

    fmt = args.format
    if fmt is None:  # from the output's suffix, else GeoJSON
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = {"csv": "csv", "kml": "kml"}.get(suffix, "geojson")
    text = dumps(load_inputs(args.files, args.date, args.workers), fmt)
    if args.output:
        path = write_text_atomic(args.output, text, force=args.force)
        print(f"{fmt} written: {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from geomap.evaluate import CORPORA, TRAINING_CORPUS, evaluate, summary_row
    from geomap.incidents.training import cross_validate
    from geomap.parser import Geoparser

    if args.incidents or args.reports:
        return _evaluate_incidents(args)
    corpora = tuple(args.corpus) if args.corpus else (*CORPORA, TRAINING_CORPUS)
    parser = Geoparser()
    rows = []
    tables: list[tuple[str, str, list[dict]]] = []
    header = f"{'corpus':<20} {'part':<6} {'docs':>5} {'P':>6} {'R':>6} {'F1':>6} {'acc161':>7} "
    header += f"{'med_km':>8} {'AUC':>6} {'n':>5} {'ev_span':>8}  {'95% interval':<12}"
    print(header)
    parts = ("tune", "check") if args.part == "both" else (args.part,)
    for part in parts:
        results: Iterable[tuple[str, dict[str, Any]]] = evaluate(
            lambda text, doc_id: parser.parse(text, id=doc_id),
            tuple(c for c in corpora if c != TRAINING_CORPUS),
            part,
            progress=lambda msg: print(f"  … {msg}", file=sys.stderr),
        )
        if TRAINING_CORPUS in corpora and part == parts[-1]:
            # the training file has no tune/check parts: it is scored by cross-validation, once
            cv = cross_validate(parser.gazetteer, progress=lambda msg: print(f"  … {msg}", file=sys.stderr))
            results = (*results, (TRAINING_CORPUS, cv))
        for corpus, metrics in results:
            row = summary_row(corpus, metrics)
            part = "cv" if corpus == TRAINING_CORPUS else part
            rows.append({**row, "part": part})
            if metrics.get("reliability"):
                tables.append((corpus, part, metrics["reliability"]))

            def fmt(value, spec):
                return "-" if value is None else format(value, spec)

            print(
                f"{corpus:<20} {part:<6} {row['docs']:>5} {fmt(row['P'], '6.3f')} {fmt(row['R'], '6.3f')} "
                f"{fmt(row['F1'], '6.3f')} {fmt(row['acc161'], '7.3f')} {fmt(row['median_km'], '8.1f')} "
                f"{fmt(row['auc'], '6.3f')} {row['n']:>5} {fmt(row['event_span_acc'], '8.3f')}  "
                f"{'' if row['event_span_95'] is None else '{:.3f}–{:.3f}'.format(*row['event_span_95'])}",
                flush=True,
            )
    for corpus, part, table in tables:
        print(f"\nreliability of the incident confidence, {corpus} {part}: events paired by trigger")
        print(f"{'confidence':<12} {'events':>6} {'mean':>6} {'right':>6}")
        for b in table:
            mean = "-" if b["mean_confidence"] is None else f"{b['mean_confidence']:.3f}"
            right = "-" if b["right"] is None else f"{b['right']:.3f}"
            print(f"{b['low']:.1f}–{b['high']:.1f}{'':<5} {b['events']:>6} {mean:>6} {right:>6}")
    if args.json:
        from geomap.outputs.files import write_text_atomic

        # a figures file: always replaced, as before
        write_text_atomic(args.json, json.dumps(rows, indent=1), force=True)
    return EXIT_OK


_INCIDENT_COLUMNS = (
    "stories", "events", "incidents", "recall", "precision", "type_acc", "lethal", "toll_exact",
    "per_event", "location_acc",
)  # fmt: skip


_REPORT_COLUMNS = (
    "reports", "incidents", "recall", "type_acc", "lethal", "toll_exact", "per_event", "place_acc",
    "date_acc", "pointed", "within25", "within161", "median_km",
)  # fmt: skip


def _evaluate_incidents(args: argparse.Namespace) -> int:
    """``geomap evaluate --incidents`` or ``--reports``: the analyst's figures, a row per part."""
    from geomap.outputs.files import write_text_atomic
    from geomap.parser import Geoparser

    parser = Geoparser()
    parts = ("tune", "check") if args.part == "both" else (args.part,)
    columns = _REPORT_COLUMNS if args.reports else _INCIDENT_COLUMNS
    print(f"{'part':<6} " + " ".join(f"{c:>12}" for c in columns))
    rows, details = [], []

    def progress(msg: str) -> None:
        print(f"  … {msg}", file=sys.stderr)

    for part in parts:
        if args.reports:
            from geomap.report_eval import evaluate_reports

            # a note is read as it comes, without a filing date: its own words date it
            summary, scored = evaluate_reports(lambda r: parser.parse(r.text, id=r.id), part, progress)
        else:
            from geomap.incident_eval import evaluate_incidents

            summary, scored = evaluate_incidents(
                lambda s: parser.parse(s.text, id=s.id, date=s.date), part, progress
            )
        rows.append({"part": part, **summary})
        details += [{"part": part, **s} for s in scored]
        cells = ("-" if summary[c] is None else str(summary[c]) for c in columns)
        print(f"{part:<6} " + " ".join(f"{c:>12}" for c in cells), flush=True)
    if args.json:
        write_text_atomic(args.json, json.dumps(rows, indent=1), force=True)
    if args.details:
        write_text_atomic(args.details, "".join(json.dumps(d) + "\n" for d in details), force=True)
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    import time

    from geomap.evaluate import eval_dir
    from geomap.incidents.linker import MODEL_PATH
    from geomap.incidents.training import build_dataset, read_labelled, train, write_model
    from geomap.resolution.gazetteer import Gazetteer

    paths = [Path(p) for p in args.data] if args.data else [eval_dir() / "event_location_train.jsonl"]
    out = Path(args.output) if args.output else Path(__file__).resolve().parents[1] / MODEL_PATH
    docs = [doc for path in paths for doc in read_labelled(path)]
    started = time.perf_counter()
    from tqdm import tqdm

    with tqdm(total=len(docs), unit="sentence", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        data = build_dataset(docs, Gazetteer(), progress=bar.update)
    spec = train(data, progress=lambda msg: print(f"train: {msg}", file=sys.stderr)).spec
    write_model(spec, out, force=args.force)
    info = spec["training"]
    print(
        f"train: {info['events_labelled']} labelled events ({info['rows']} candidate rows) from "
        f"{len(docs)} sentences; out-of-fold linking accuracy {info['cv_linked_accuracy']:.3f}; "
        f"{time.perf_counter() - started:.0f} s; "
        f"{out.stat().st_size / 1024:.0f} KiB -> {out}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_train_judge(args: argparse.Namespace) -> int:
    """``geomap train-judge``: fit the event judge on the tune stories; print its cross-validated figures."""
    import time

    from geomap.incidents.judge import MODEL_PATH
    from geomap.incidents.judge_training import collect, cross_validated, train, tune_stories, write_model
    from geomap.parser import Geoparser

    out = Path(args.output) if args.output else Path(__file__).resolve().parents[1] / MODEL_PATH
    started = time.perf_counter()
    stories = tune_stories()

    def progress(msg: str) -> None:
        print(f"train-judge: {msg}", file=sys.stderr)

    data = collect(Geoparser(judge=False), stories, progress)
    ((threshold, figures),) = cross_validated(data, progress=progress).items()
    spec = train(data)
    write_model(spec, out, force=args.force)
    names = ("recall", "precision", "type_acc", "toll_exact", "per_event")
    shown = ", ".join(f"{k} {figures[k]}" for k in names)
    print(
        f"train-judge: {spec['training']['incidents']} incidents of {len(stories)} tune stories; "
        f"out-of-fold at threshold {threshold}: {shown}; {time.perf_counter() - started:.0f} s -> {out}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from geomap.batch.runner import FAILURES_NAME, run_batch

    store = None
    if args.db is not None:
        from geomap.store.backend import resolve_db
        from geomap.store.store import Store

        store = Store(resolve_db(args.db))
    try:
        summary = run_batch(
            args.input,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            map_limit=args.map_articles,
            store=store,
        )
    finally:
        if store is not None:
            store.close()
    print(f"batch: {summary.line()} -> {args.out}", file=sys.stderr)
    if store is not None and summary.stored is not None:
        print(f"batch: store: {summary.stored.line()} -> {store.path}", file=sys.stderr)
    if summary.map_note():
        print(f"batch: {summary.map_note()}", file=sys.stderr)
    if summary.failures:
        print(f"batch: failures listed in {Path(args.out) / FAILURES_NAME}", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK
