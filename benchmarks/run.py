"""Time ``compliance evaluate`` on a synthetic export, against Python's csv module reading the events.

    python benchmarks/run.py --units 10000 --events 1000000          # one size
    python benchmarks/run.py --sizes                                  # the growth grid
    python benchmarks/run.py --sizes --markdown /tmp/bench.md         # ... and its tables in a file

For one export (made by ``benchmarks/generate.py`` into ``--work``, reused when it
is there already; or ``--data DIR``) it measures:

* bare read: ``csv.reader`` over ``events.csv``, consuming every row (best of 3);
* end to end: ``python -m compliance.cli evaluate DIR --as-of 2023-07-01 --out TMP``
  as a subprocess: wall time, CPU time (user + system) and peak resident memory
  (the child's ``ru_maxrss``, from ``os.wait4``);
* breakdown, in another subprocess: ``load_export``, evaluation of the rules
  (``compliance.api.evaluate`` on the loaded records, packs loaded and indexes
  built included), ``write_results``; with the peak memory after each step.

and prints a table with each time's ratio to the bare read. ``--sizes`` runs the
grid: events 100k / 250k / 500k / 1M at 10k units, then units 1k / 5k / 10k / 20k
at 500k events; it takes about 10 to 20 minutes on 2 cores (``--no-breakdown``
halves it). Nothing is written into the repository unless ``--markdown FILE`` says
where; generated exports go to ``--work`` (default /tmp/compliance-bench).

Wall times are those of a shared machine: the load average is printed with each
measurement, and CPU times are given beside wall times because they move less
when other processes compete for the cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
GENERATE = Path(__file__).resolve().parent / "generate.py"
AS_OF = "2023-07-01"
EVENTS_GRID = (100_000, 250_000, 500_000, 1_000_000)
UNITS_GRID = (1_000, 5_000, 10_000, 20_000)
GRID_UNITS, GRID_EVENTS = 10_000, 500_000


# -- the measurements ------------------------------------------------------------------
def bare_read(events: Path, repeat: int = 3) -> tuple[float, int]:
    """Best wall time of ``csv.reader`` consuming every row of the file, and the number of rows."""
    best, rows = float("inf"), 0
    for _ in range(repeat):
        began = time.perf_counter()
        with events.open(encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle))
        best = min(best, time.perf_counter() - began)
    return best, rows


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SOURCE) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def end_to_end(data: Path, rules: list[str]) -> dict[str, float]:
    """``compliance evaluate`` as a subprocess: wall, CPU and peak RSS (bytes) of that child alone."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "compliance.cli", "evaluate", str(data), "--as-of", AS_OF, "--out", out]
        for pack in rules:
            command += ["--rules", pack]
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_environment())
        # os.wait4 gives this child's own resource usage (RUSAGE_CHILDREN would mix in earlier children)
        errors = child.stderr.read()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"compliance evaluate failed ({child.returncode}):\n{errors.decode(errors='replace')}")
        findings = sum(1 for _ in open(Path(out) / "findings.jsonl", encoding="utf-8"))
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss * 1024,
            "reported_findings": findings}


def breakdown(data: Path, rules: list[str]) -> dict[str, float]:
    """The phases of one evaluation, timed in a fresh interpreter (see :func:`_phases`)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--_phases", str(data)]
    for pack in rules:
        command += ["--rules", pack]
    result = subprocess.run(command, capture_output=True, text=True, env=_environment())
    if result.returncode != 0:
        raise SystemExit(f"the breakdown failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _phases(data: Path, rules: list[str]) -> None:
    """In the child: load, evaluate, write; print the times and peak memory as JSON."""
    from compliance.api import evaluate
    from compliance.output import write_results
    from compliance.records import load_export

    def peak() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    collecting = {"since": 0.0, "total": 0.0}  # time spent in the cyclic garbage collector

    def collector(phase: str, info: dict) -> None:
        if phase == "start":
            collecting["since"] = time.perf_counter()
        else:
            collecting["total"] += time.perf_counter() - collecting["since"]

    import gc

    gc.callbacks.append(collector)

    figures: dict[str, float] = {}
    clock, cpu = time.perf_counter, time.process_time
    began, began_cpu = clock(), cpu()
    loaded = load_export(data)
    figures.update(load=clock() - began, load_cpu=cpu() - began_cpu, load_peak=peak(), load_gc=collecting["total"])
    collecting["total"] = 0.0
    began, began_cpu = clock(), cpu()
    evaluation = evaluate(loaded, as_of=AS_OF, rules=rules or None)
    figures.update(evaluate=clock() - began, evaluate_cpu=cpu() - began_cpu, evaluate_peak=peak(),
                   evaluate_gc=collecting["total"])
    collecting["total"] = 0.0
    with tempfile.TemporaryDirectory() as out:
        began, began_cpu = clock(), cpu()
        write_results(evaluation, out)
        figures.update(write=clock() - began, write_cpu=cpu() - began_cpu, write_peak=peak(),
                       write_gc=collecting["total"])
    figures.update(findings=len(evaluation.findings), rejected=len(evaluation.rejections),
                   events=loaded.stats["events"]["accepted"], units=loaded.stats["units"]["accepted"],
                   rules=len(evaluation.rules),
                   packs=", ".join(f"{pack.id} {pack.version}" for pack in evaluation.packs))
    collecting["total"] = 0.0
    began = clock()
    del evaluation, loaded  # what the command line also pays before it exits
    figures.update(free=clock() - began, free_gc=collecting["total"])
    print(json.dumps(figures))


# -- one size -----------------------------------------------------------------------------
def export_for(units: int, events: int, seed: int, work: Path) -> Path:
    """A generated export of that size (made once; reused while its stamp matches)."""
    folder = work / f"u{units}-e{events}-s{seed}"
    stamp = folder / ".generated"
    wanted = f"{units} {events} {seed} {GENERATE.stat().st_mtime_ns}"
    if not (stamp.is_file() and stamp.read_text() == wanted):
        print(f"generating {units} units, {events} events into {folder} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(GENERATE), "--units", str(units), "--events", str(events),
                        "--seed", str(seed), "--out", str(folder)], check=True)
        stamp.write_text(wanted)
    return folder


def measure(data: Path, rules: list[str], with_breakdown: bool, repeat: int) -> dict[str, float]:
    load_before = os.getloadavg()[0]
    read, rows = bare_read(data / "events.csv")
    runs = [end_to_end(data, rules) for _ in range(repeat)]
    best = min(runs, key=lambda run: run["wall"])
    figures = {"bare_read": read, "rows": rows - 1, "e2e_wall": best["wall"],
               "e2e_cpu": min(run["cpu"] for run in runs), "e2e_peak": max(run["peak"] for run in runs),
               "reported_findings": best["reported_findings"]}
    if with_breakdown:
        figures.update(breakdown(data, rules))
    figures["loadavg"] = max(load_before, os.getloadavg()[0])
    return figures


# -- printing -------------------------------------------------------------------------------
def _rules(figures: dict[str, Any], given: list[str]) -> str:
    """The rules counted by the breakdown, or (without one) the pack files given."""
    if "rules" in figures:
        return f"{figures['rules']} ({figures['packs']})"
    return ", ".join(given) if given else "every shipped pack"


def _mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def one_table(figures: dict[str, float]) -> list[str]:
    read = figures["bare_read"]
    lines = ["| step | wall s | × bare read | CPU s | of which cyclic GC s | peak memory |",
             "|---|---:|---:|---:|---:|---:|",
             f"| bare read (`csv.reader`, {figures['rows']:,} events) | {read:.2f} | 1.0 | | | |"]
    if "load" in figures:
        for step, name in (("load", "load (`load_export`)"), ("evaluate", "evaluate (rules, indexes)"),
                           ("write", "write outputs")):
            lines.append(f"| {name} | {figures[step]:.2f} | {figures[step] / read:.1f} | "
                         f"{figures[step + '_cpu']:.2f} | {figures[step + '_gc']:.2f} | {_mb(figures[step + '_peak'])} |")
        total = figures["load"] + figures["evaluate"] + figures["write"]
        lines.append(f"| in-process total | {total:.2f} | {total / read:.1f} | "
                     f"{figures['load_cpu'] + figures['evaluate_cpu'] + figures['write_cpu']:.2f} | "
                     f"{figures['load_gc'] + figures['evaluate_gc'] + figures['write_gc']:.2f} | |")
        lines.append(f"| free the records (a library caller pays this; the command exits without it) | "
                     f"{figures['free']:.2f} | {figures['free'] / read:.1f} | | {figures['free_gc']:.2f} | |")
    lines.append(f"| **`compliance evaluate` end to end** | **{figures['e2e_wall']:.2f}** | "
                 f"**{figures['e2e_wall'] / read:.1f}** | {figures['e2e_cpu']:.2f} | | **{_mb(figures['e2e_peak'])}** |")
    return lines


def grid_table(rows: list[tuple[int, int, dict[str, float]]]) -> list[str]:
    lines = ["| units | events | bare read s | load s | evaluate s | write s | end to end s | × bare read "
             "| CPU s | peak memory | load avg |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for units, events, f in rows:
        steps = " | ".join(f"{f[step]:.2f}" if step in f else "–" for step in ("load", "evaluate", "write"))
        lines.append(f"| {units:,} | {events:,} | {f['bare_read']:.2f} | {steps} | {f['e2e_wall']:.2f} | "
                     f"{f['e2e_wall'] / f['bare_read']:.1f} | {f['e2e_cpu']:.2f} | {_mb(f['e2e_peak'])} | "
                     f"{f['loadavg']:.1f} |")
    return lines


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{model}, {os.cpu_count()} cores, {memory:.0f} GB; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10_000, help="units of the generated export (default 10000)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events of the generated export (default 1M)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--data", type=Path, help="measure this export instead of a generated one")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "compliance-bench",
                        help="where generated exports are kept (default /tmp/compliance-bench)")
    parser.add_argument("--rules", action="append", default=[], metavar="PATH",
                        help="rule packs to use (default: the shipped packs)")
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs per size; the best is kept (default 1)")
    parser.add_argument("--sizes", action="store_true",
                        help="run the growth grid (events 100k..1M at 10k units, units 1k..20k at 500k events; "
                             "10-20 minutes)")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the in-process breakdown")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--_phases", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._phases:
        sys.path.insert(0, str(SOURCE))
        _phases(args._phases, args.rules)
        return 0

    out: list[str] = [f"Machine: {machine()}", ""]
    if args.sizes:
        sizes = [(GRID_UNITS, events) for events in EVENTS_GRID]
        sizes += [(units, GRID_EVENTS) for units in UNITS_GRID if (units, GRID_EVENTS) not in sizes]
        rows = []
        for units, events in sizes:
            data = export_for(units, events, args.seed, args.work)
            figures = measure(data, args.rules, not args.no_breakdown, args.repeat)
            rows.append((units, events, figures))
            print(grid_table([(units, events, figures)])[-1], file=sys.stderr, flush=True)
        by_events = [row for row in rows if row[0] == GRID_UNITS]
        by_units = sorted((row for row in rows if row[1] == GRID_EVENTS), key=lambda row: row[0])
        out += [f"Growth with events ({GRID_UNITS:,} units):", ""] + grid_table(by_events)
        out += ["", f"Growth with units ({GRID_EVENTS:,} events):", ""] + grid_table(by_units)
        out += ["", f"rules: {_rules(rows[-1][2], args.rules)}"]
    else:
        data = args.data or export_for(args.units, args.events, args.seed, args.work)
        figures = measure(data, args.rules, not args.no_breakdown, args.repeat)
        out += [f"Export: {data} (load average {figures['loadavg']:.1f})", ""] + one_table(figures)
        out += ["", f"findings: {figures.get('findings', '?')} in all, {figures['reported_findings']} reported; "
                f"rejected rows: {figures.get('rejected', '?')}; rules: {_rules(figures, args.rules)}"]
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
