#!/usr/bin/env python3
"""Differential privacy side by side: Haven's `release dp` against SDS's pac-synth.

For each row count N this script
  1. writes the benchmark's fictional CTDC-shaped data with `haven bench sample`;
  2. runs, one at a time, each under `/usr/bin/time -f "%e %M"` (wall seconds, peak RSS):
     - pac-synth's DpAggregateSeededSynthesizer (a tiny runner script, run with --python),
     - `haven release dp --synthetic` (same ε, δ and reporting length),
     - `haven release synthesize` (k-protected, NOT differentially private; a third row for
       reference, labelled as a different privacy model);
  3. scores every synthetic file against the source with one shared evaluator;
  4. prints a Markdown table and the haven/pac-synth ratios of time and memory.

Evaluator: a combination is a set of 1, 2 or 3 (column = value) pairs, on distinct columns, with
non-blank values ("0" is a value like any other). Every such combination is counted in the source
and in each synthetic file. Synthetic counts are compared as they are, unscaled (--scale multiplies
them by source_rows / synthetic_rows instead): both DP tools aim at the source's absolute counts,
and pac-synth's sampler emits extra, nearly empty records once the long combinations are used up,
so scaling by the row count would shrink all its counts. Over the combinations with a source
count >= 10, per length:
  MAE = mean |synthetic - source|, MRE = mean |synthetic - source| / source,
  preserved = share whose synthetic count is >= 10.
Invented = share of the distinct combinations (length <= 3) present in a synthetic file that the
source does not hold at all.

Requirements: Python 3.11, pac-synth and pandas (numpy comes with pandas). Run it with the Python
that has them, e.g.

    python3 -m venv /tmp/pacvenv && /tmp/pacvenv/bin/pip install pac-synth pandas
    /tmp/pacvenv/bin/python tools/compare_dp.py --haven ./target/release/haven \\
        --rows 50000,200000 --markdown /tmp/compare_dp.md

Each timed step runs alone (the script never runs two at once); the evaluation is not timed.
"""

import argparse
import itertools
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd

MIN_COUNT = 10

RUNNER = r'''
import csv, json, sys, time
t0 = time.perf_counter()
import pacsynth
from pacsynth import Dataset, DpAggregateSeededParametersBuilder, DpAggregateSeededSynthesizer

inp, out, stats, eps, delta, length, options = sys.argv[1:8]
options = set(options.split(",")) - {"default"}
with open(inp, newline="") as f:
    raw = [row for row in csv.reader(f)]
header = raw[0]
# pac-synth ignores "0" unless the column is listed as holding sensitive zeros; Haven (and the
# evaluator) treat only blanks as missing, so every column is listed.
dataset = Dataset(raw, sensitive_zeros=header)
del raw
t1 = time.perf_counter()
builder = (DpAggregateSeededParametersBuilder()
           .reporting_length(int(length)).epsilon(float(eps)).delta(float(delta)))
if "balanced-accuracy" in options:
    builder = builder.accuracy_mode(pacsynth.AccuracyMode.balanced())
if "balanced-fabrication" in options:
    builder = builder.fabrication_mode(pacsynth.FabricationMode.balanced())
if "synthetic-counts" in options:
    builder = builder.use_synthetic_counts(True)
params = builder.build()
synth = DpAggregateSeededSynthesizer(params)
synth.fit(dataset)
t2 = time.perf_counter()
rows = synth.sample()
t3 = time.perf_counter()
with open(out, "w", newline="") as f:
    csv.writer(f).writerows(rows)
t4 = time.perf_counter()
with open(stats, "w") as f:
    json.dump({
        "load_s": t1 - t0, "fit_s": t2 - t1, "sample_s": t3 - t2, "write_s": t4 - t3,
        "dp_number_of_records": synth.get_dp_number_of_records(),
        "synthetic_rows": len(rows) - 1,
        "dp_aggregates": len(synth.get_dp_aggregates(";")),
        "parameters": json.loads(params.to_json_str()),
    }, f)
'''


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def timed(cmd, workdir, name, timeout=None):
    """Runs cmd under /usr/bin/time; returns (seconds, peak MB, finished).

    On timeout the timed command (the child of /usr/bin/time) is killed, and the seconds and peak
    memory up to then are returned with finished = False.
    """
    time_file = os.path.join(workdir, f"{name}.time")
    out_file = os.path.join(workdir, f"{name}.log")
    full = ["/usr/bin/time", "-f", "%e %M", "-o", time_file] + cmd
    log("  $ " + " ".join(cmd))
    finished = True
    with open(out_file, "w") as out:
        proc = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            finished = False
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                for child in f.read().split():
                    os.kill(int(child), signal.SIGKILL)
            proc.wait()
            log(f"  stopped after {timeout} s")
    if finished and proc.returncode != 0:
        with open(out_file) as f:
            sys.exit(f"{name} failed ({proc.returncode}):\n{f.read()[-3000:]}")
    with open(time_file) as f:
        seconds, kib = f.read().strip().splitlines()[-1].split()
    return float(seconds), int(kib) / 1024.0, finished


def read_table(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def encode(frames):
    """Integer codes per column over the union of values of all frames; blank = cardinality."""
    header = list(frames[0].columns)
    for f in frames[1:]:
        if sorted(f.columns) != sorted(header):
            raise SystemExit("the synthetic file's columns differ from the source's")
    codes = [np.empty((len(f), len(header)), dtype=np.int64) for f in frames]
    cards = []
    for j, col in enumerate(header):
        values = set()
        for f in frames:
            values.update(f[col].unique())
        values.discard("")
        cats = sorted(values)
        cards.append(len(cats))
        for f, c in zip(frames, codes):
            s = f[col].replace("", np.nan)
            k = pd.Categorical(s, categories=cats).codes.astype(np.int64)
            k[k < 0] = len(cats)
            c[:, j] = k
    return header, cards, codes


def evaluate(source, synthetics, rescale=False):
    """source: DataFrame; synthetics: {name: DataFrame}. Returns {name: metrics}."""
    names = list(synthetics)
    header, cards, codes = encode([source] + [synthetics[n] for n in names])
    n_src = len(source)
    scale = [n_src / max(1, len(synthetics[n])) if rescale else 1.0 for n in names]
    ncol = len(header)
    # per tool, per length: [abs err sum, rel err sum, eligible, preserved, synth distinct, invented]
    acc = {n: {l: [0.0, 0.0, 0, 0, 0, 0] for l in (1, 2, 3)} for n in names}

    def score(length, cols):
        sizes = [cards[c] + 1 for c in cols]
        total = int(np.prod(sizes))
        valid = tuple(slice(0, cards[c]) for c in cols)
        counts = []
        for c in codes:
            key = c[:, cols[0]]
            for col, size in zip(cols[1:], sizes[1:]):
                key = key * size + c[:, col]
            counts.append(np.bincount(key, minlength=total).reshape(sizes)[valid].ravel())
        src = counts[0]
        eligible = src >= MIN_COUNT
        src_e = src[eligible].astype(np.float64)
        absent = src == 0
        for i, n in enumerate(names):
            syn = counts[i + 1]
            syn_e = syn[eligible] * scale[i]
            err = np.abs(syn_e - src_e)
            a = acc[n][length]
            a[0] += float(err.sum())
            a[1] += float((err / src_e).sum())
            a[2] += int(eligible.sum())
            a[3] += int((syn_e >= MIN_COUNT).sum())
            present = syn > 0
            a[4] += int(present.sum())
            a[5] += int((present & absent).sum())

    t0 = time.perf_counter()
    for a in range(ncol):
        score(1, (a,))
    for pair in itertools.combinations(range(ncol), 2):
        score(2, pair)
    for triple in itertools.combinations(range(ncol), 3):
        score(3, triple)
    log(f"  evaluated {len(names)} synthetic files in {time.perf_counter() - t0:.1f} s")

    out = {}
    for i, n in enumerate(names):
        m = {"synthetic_rows": len(synthetics[n]), "scale": scale[i]}
        distinct = invented = 0
        for l in (1, 2, 3):
            s_abs, s_rel, elig, pres, dist, inv = acc[n][l]
            m[f"eligible_{l}"] = elig
            m[f"mae_{l}"] = s_abs / elig if elig else float("nan")
            m[f"mre_{l}"] = s_rel / elig if elig else float("nan")
            m[f"preserved_{l}"] = pres / elig if elig else float("nan")
            m[f"invented_{l}"] = inv / dist if dist else 0.0
            distinct += dist
            invented += inv
        m["synthetic_combinations"] = distinct
        m["invented"] = invented / distinct if distinct else 0.0
        out[n] = m
    return out


def fmt3(m, key, spec):
    return " / ".join(format(m[f"{key}_{l}"], spec) for l in (1, 2, 3))


def markdown(results, args):
    lines = [
        f"ε = {args.epsilon}, δ = {args.delta:g}, reporting length 3; combinations scored: source "
        f"count ≥ {MIN_COUNT}; synthetic counts "
        + ("scaled by source rows / synthetic rows." if args.scale else "unscaled."),
        "",
        "| tool | privacy model | rows | synthetic rows | seconds | peak MB | MAE (1 / 2 / 3) "
        "| MRE (1 / 2 / 3) | preserved ≥ 10 (1 / 2 / 3) | invented |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | ---: |",
    ]
    for r in results:
        m = r["metrics"]
        if m is None:
            lines.append(f"| {r['tool']} | {r['model']} | {r['rows']:,} | — "
                         f"| > {r['seconds']:.0f} (stopped) | ≥ {r['peak_mb']:.0f} | — | — | — | — |")
            continue
        lines.append(
            f"| {r['tool']} | {r['model']} | {r['rows']:,} | {m['synthetic_rows']:,} "
            f"| {r['seconds']:.2f} | {r['peak_mb']:.0f} | {fmt3(m, 'mae', '.1f')} "
            f"| {fmt3(m, 'mre', '.3f')} | {fmt3(m, 'preserved', '.3f')} "
            f"| {m['invented']:.4f} |"
        )
    lines += ["", "| rows | time haven dp / pac-synth | peak memory haven dp / pac-synth |",
              "| ---: | ---: | ---: |"]
    by = {(r["tool"], r["rows"]): r for r in results}
    pac_name = "pac-synth" + ("" if args.pac_options == "default" else f" ({args.pac_options})")
    for n in args.rows:
        p, h = by.get((pac_name, n)), by.get(("haven dp", n))
        if p and h and p["metrics"] is not None:
            lines.append(f"| {n:,} | {h['seconds'] / p['seconds']:.3f} "
                         f"| {h['peak_mb'] / p['peak_mb']:.3f} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--haven", default=os.environ.get("HAVEN_BIN", "target/release/haven"))
    ap.add_argument("--python", default=sys.executable,
                    help="Python with pac-synth, for the runner (default: this one)")
    ap.add_argument("--rows", default="50000,200000",
                    type=lambda s: [int(x) for x in s.split(",")])
    ap.add_argument("--epsilon", type=float, default=4.0)
    ap.add_argument("--delta", type=float, default=1e-6)
    ap.add_argument("--resolution", type=int, default=10, help="k of `release synthesize`")
    ap.add_argument("--scale", action="store_true",
                    help="scale synthetic counts by source rows / synthetic rows")
    ap.add_argument("--pac-timeout", type=float, default=None,
                    help="stop pac-synth after this many seconds (reported as not finished)")
    ap.add_argument("--pac-options", default="default",
                    help="pac-synth settings other than its defaults, comma-separated: "
                    "balanced-accuracy, balanced-fabrication, synthetic-counts (SDS's own "
                    "examples use the last two)")
    ap.add_argument("--no-pac-above", type=int, default=0,
                    help="skip pac-synth for row counts above this (0: never skip)")
    ap.add_argument("--no-synthesize-above", type=int, default=0,
                    help="skip `release synthesize` above this row count (0: never skip)")
    ap.add_argument("--workdir", default="/tmp/compare_dp")
    ap.add_argument("--markdown", help="also write the table to this file")
    ap.add_argument("--json", help="also write every figure to this file")
    args = ap.parse_args()

    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time at /usr/bin/time (apt-get install time)")
    haven = os.path.abspath(args.haven)
    os.makedirs(args.workdir, exist_ok=True)
    runner = os.path.join(args.workdir, "pacsynth_runner.py")
    with open(runner, "w") as f:
        f.write(RUNNER)
    version = subprocess.run([args.python, "-c", "import importlib.metadata as m; "
                              "print(m.version('pac-synth'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    log(f"pac-synth {version}; haven {haven}")

    pac_name = "pac-synth" + ("" if args.pac_options == "default" else f" ({args.pac_options})")
    results = []
    for n in args.rows:
        log(f"== {n} rows")
        d = lambda name: os.path.join(args.workdir, f"{name}-{n}")
        src = d("source") + ".csv"
        subprocess.run([haven, "bench", "sample", "--rows", str(n), "--output", src],
                       check=True, stdout=subprocess.DEVNULL)
        runs = []
        if not args.no_pac_above or n <= args.no_pac_above:
            out = d("pacsynth") + ".csv"
            stats = d("pacsynth") + ".json"
            sec, mb, done = timed([args.python, runner, src, out, stats, str(args.epsilon),
                                   str(args.delta), "3", args.pac_options], args.workdir,
                                  f"pacsynth-{n}", timeout=args.pac_timeout)
            if done:
                with open(stats) as f:
                    extra = json.load(f)
                runs.append((pac_name, "(ε, δ)-DP", sec, mb, out, extra))
            else:
                results.append({"tool": pac_name, "model": "(ε, δ)-DP", "rows": n,
                                "seconds": sec, "peak_mb": mb, "metrics": None, "extra": {}})
        ledger = d("ledger") + ".json"
        if os.path.exists(ledger):
            os.remove(ledger)
        subprocess.run([haven, "release", "budget", "--init", "--epsilon", "1000", "--delta",
                        "0.5", "--ledger", ledger], check=True, stdout=subprocess.DEVNULL)
        out = d("haven-dp") + ".csv"
        sec, mb, _ = timed([haven, "release", "dp", "--input", src,
                            "--output", d("haven-dp") + ".tsv", "--synthetic", out,
                            "--epsilon", str(args.epsilon), "--delta", str(args.delta),
                            "--reporting-length", "3", "--ledger", ledger],
                           args.workdir, f"haven-dp-{n}")
        with open(d("haven-dp") + ".tsv.manifest.json") as f:
            extra = json.load(f).get("differential_privacy", {})
        runs.append(("haven dp", "(ε, δ)-DP", sec, mb, out, extra))
        if not args.no_synthesize_above or n <= args.no_synthesize_above:
            out = d("haven-k") + ".csv"
            sec, mb, _ = timed([haven, "release", "synthesize", "--input", src, "--output", out,
                                "--resolution", str(args.resolution), "--reporting-length", "3"],
                               args.workdir, f"haven-k-{n}")
            runs.append(("haven synthesize", f"k = {args.resolution}, not DP", sec, mb, out, {}))

        log("  evaluating")
        source = read_table(src)
        metrics = evaluate(source, {r[0]: read_table(r[4]) for r in runs}, args.scale)
        for tool, model, sec, mb, out, extra in runs:
            results.append({"tool": tool, "model": model, "rows": n, "seconds": sec,
                            "peak_mb": mb, "metrics": metrics[tool], "extra": extra})
            log(f"  {tool}: {sec:.2f} s, {mb:.0f} MB")

    table = markdown(results, args)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"pac_synth_version": version, "epsilon": args.epsilon,
                       "delta": args.delta, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
