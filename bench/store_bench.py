"""Incident-store benchmarks: adding, store size, bbox queries, and `add` against `parse`.

Usage: .venv/bin/python bench/store_bench.py [--incidents 100000] [--queries 200] [--articles 60]
           [--backend sqlite|postgis|both] [--postgis URL] [--runs 1]

1. A synthetic store: articles of 5 incidents each at 2,000 random places in a 20° × 12°
   box, over one year, of four types, with random tolls, so that some reports merge. Adding
   them goes through ``Store.add`` exactly as ``geomap add`` does (one transaction per
   article, the merge look-up through the R*Tree), without parsing. Reported: articles/s
   and reports/s, and the file size per 10,000 incidents (after a WAL checkpoint).
2. Bounding-box queries on that store: random 2° × 2° boxes, each answered as GeoJSON
   features (``Store.features``, what ``geomap incidents`` and the web API stream);
   median and p99 latency and the mean number of incidents per answer.
3. ``parse`` against ``parse + add`` on the same real texts (the ``text`` fields of
   ../shared/eval/*.jsonl, read at run time, never copied): articles/s of each.

Parts 1 and 2 run on each back end asked for: the SQLite file, and PostGIS, either at
``--postgis URL`` (a fresh schema there) or on a throwaway server started for the run (as the
tests do, but with PostgreSQL's default durability: fsync and synchronous commits on). With
``--runs N`` each is repeated on a new store and the medians are printed. PostGIS's
statistics are refreshed (``ANALYZE``, as autovacuum would) before the queries.

The client is pinned to one core; a PostgreSQL server runs in its own processes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(ROOT))

from geomap.events import Incident  # noqa: E402
from geomap.model import ParsedArticle, ResolvedPlace  # noqa: E402
from geomap.place import Place  # noqa: E402
from geomap.store import Store  # noqa: E402
from geomap.store_query import IncidentQuery  # noqa: E402
from geomap.store_sqlite import SqliteBackend  # noqa: E402

TYPES = ("airstrike_shelling", "casualties", "protest_unrest", "arrest_detention")
WEST, SOUTH, EAST, NORTH = 22.0, 40.0, 42.0, 52.0


def synthetic_articles(incidents: int, rng: random.Random) -> list[ParsedArticle]:
    places = [
        Place(f"bench-{i}", f"Place {i}", "city", rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST), "UA")
        for i in range(2000)
    ]
    out = []
    for a in range(incidents // 5):
        aid = f"bench-article-{a}"
        incs = []
        for n in range(1, 6):
            place = rng.choice(places)
            day = 1 + rng.randrange(365)
            sentence = f"Report {n}: an attack hit {place.name} on day {day}."
            incs.append(
                Incident(
                    id=f"{aid}-e{n}", article_id=aid, incident_type=rng.choice(TYPES), sentence=sentence,
                    sentence_start=0, sentence_end=len(sentence), trigger="attack", trigger_start=13,
                    trigger_end=19, location_name=place.name, location_start=24,
                    location_end=24 + len(place.name), place=place, precision="city", actors=(),
                    fatalities=rng.choice((None, rng.randrange(1, 30))), affected=None,
                    date=f"2024-{(day - 1) // 31 % 12 + 1:02d}-{(day - 1) % 28 + 1:02d}",
                    confidence=rng.uniform(0.4, 0.99),
                )
            )  # fmt: skip
        text = " ".join(i.sentence for i in incs)
        rps = tuple(ResolvedPlace(i.place, 0.9, (i.place.name,), 1, ()) for i in incs if i.place)
        out.append(ParsedArticle(aid, text, aid, "2024-06-01", None, (), rps, tuple(incs)))
    return out


def eval_texts(count: int) -> list[str]:
    texts: list[str] = []
    for path in sorted(EVAL_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str) and 500 <= len(text) <= 6000:
                texts.append(text)
    return texts[:count]


def bench_store(location: str, articles: list[ParsedArticle], queries: int, seed: int) -> dict[str, float]:
    """Add ``articles`` to a new store at ``location``, then time ``queries`` random bbox queries."""
    rng = random.Random(seed)  # the same boxes on every run and back end
    with Store(location) as store:
        t0 = time.perf_counter()
        results = store.add_many(articles)
        added_s = time.perf_counter() - t0
        if isinstance(store._backend, SqliteBackend):
            store._backend.checkpoint()
        else:
            store._backend.execute("ANALYZE")
        stats = store.stats()
        times, sizes = [], []
        for _ in store.features(IncidentQuery(bbox=(WEST, SOUTH, EAST, NORTH))):
            pass  # warm the caches: a served store has been read before
        for _ in range(queries):
            w, s = rng.uniform(WEST, EAST - 2), rng.uniform(SOUTH, NORTH - 2)
            query = IncidentQuery(bbox=(w, s, w + 2, s + 2))
            t0 = time.perf_counter()
            sizes.append(sum(1 for _ in store.features(query)))
            times.append(time.perf_counter() - t0)
    times.sort()
    return {
        "add_s": added_s,
        "merged": sum(r.merged for r in results),
        "incidents": stats["incidents"],
        "size_bytes": stats["size_bytes"],
        "median_ms": statistics.median(times) * 1000,
        "p99_ms": times[min(len(times) - 1, int(0.99 * len(times)))] * 1000,
        "per_answer": statistics.mean(sizes),
    }


def report(name: str, runs: list[dict[str, float]], articles: int, reports: int, queries: int) -> None:
    """Print the medians over ``runs`` (each figure's own median)."""
    m = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    of = f" (medians of {len(runs)} runs)" if len(runs) > 1 else ""
    print(
        f"[{name}] add (synthetic, no parsing){of}: {articles:,} articles, {reports:,} reports in "
        f"{m['add_s']:.1f} s: {articles / m['add_s']:,.0f} articles/s, {reports / m['add_s']:,.0f} "
        f"reports/s; {m['merged']:,.0f} reports merged, {m['incidents']:,.0f} incidents"
    )
    print(
        f"[{name}] store size: {m['size_bytes'] / 1e6:.1f} MB, "
        f"{m['size_bytes'] / m['incidents'] * 10_000 / 1e6:.1f} MB per 10,000 incidents "
        f"(parsed-article JSON of every article included)"
    )
    print(
        f"[{name}] bbox 2°x2° as GeoJSON features on {m['incidents']:,.0f} incidents: median "
        f"{m['median_ms']:.1f} ms, p99 {m['p99_ms']:.1f} ms, {m['per_answer']:,.0f} incidents per answer "
        f"({queries} queries per run)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--articles", type=int, default=60, help="real texts for parse vs add (0: skip)")
    ap.add_argument("--backend", choices=("sqlite", "postgis", "both"), default="sqlite")
    ap.add_argument(
        "--postgis", metavar="URL", help="a PostGIS database to use (default: a throwaway server)"
    )
    ap.add_argument("--runs", type=int, default=1, help="repeat on a new store; print medians")
    args = ap.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    articles = synthetic_articles(args.incidents, random.Random(12))
    backends = ("sqlite", "postgis") if args.backend == "both" else (args.backend,)
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        for name in backends:
            if name == "sqlite":
                locations = [str(Path(tmp) / f"bench-{run}.db") for run in range(args.runs)]
            else:
                sys.path.insert(0, str(ROOT / "tests"))
                from pg_server import new_store_url, throwaway_postgis

                server = args.postgis or stack.enter_context(throwaway_postgis(durable=True))
                locations = [new_store_url(server) for _ in range(args.runs)]
            runs = [bench_store(loc, articles, args.queries, seed=13) for loc in locations]
            report(name, runs, len(articles), args.incidents, args.queries)
    if args.articles <= 0:
        return
    texts = eval_texts(args.articles)
    if not texts:
        print(f"parse vs add: skipped, no texts in {EVAL_DIR}")
        return
    from geomap.article import Article
    from geomap.parser import Geoparser

    parser = Geoparser()
    list(parser.pipe([Article(text=t, id="w") for t in texts[:5]]))  # warm up
    batch = [Article(text=t, id=f"t{i}", date="2024-03-12") for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    parsed = list(parser.pipe(batch, batch_size=16))
    parse_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "real.db") as store:
        t0 = time.perf_counter()
        store.add_many(parsed)
        store_s = time.perf_counter() - t0
    n, incidents = len(texts), sum(len(p.incidents) for p in parsed)
    print(
        f"parse vs add on {n} real articles ({incidents} incidents): parse {n / parse_s:.2f} articles/s; "
        f"storing {n / store_s:.1f} articles/s; so add (parse + store) {n / (parse_s + store_s):.2f} "
        f"articles/s, the store taking {100 * store_s / (parse_s + store_s):.1f} % of it"
    )


if __name__ == "__main__":
    main()
