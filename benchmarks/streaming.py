"""Benchmark the streaming monitor beside the batch evaluator, on the benchmark generator's data.

    python benchmarks/streaming.py --units 2000 --events 100000 --seed 1

generates an export with ``benchmarks/generate.py`` (or reads ``--data DIR``),
then runs, each in its own process so that peak memory is its own:

* **batch**: ``load_export`` and ``evaluate`` at ``--as-of`` (all shipped packs);
* **stream**: the master data loaded, the events read and sorted by time, fed to a
  :class:`compliance.streaming.Monitor` one at a time, taking the decision changes
  after each (as ``compliance watch --decisions`` does), ``advance_to(--as-of)``,
  then every finding and decision at that instant (``findings()``, ``decisions()``).

It prints a Markdown table (the figures of ``docs/streaming.md``): time, sustained
events per second (feeding only), peak resident memory, and whether both gave
the same findings and decisions (``--check``, on by default).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _batch(data: Path, as_of: str) -> dict:
    from compliance.api import evaluate
    from compliance.records import load_export

    began, cpu = time.perf_counter(), time.process_time()
    loaded = load_export(data)
    loaded_at = time.perf_counter()
    result = evaluate(loaded, as_of=as_of)
    done = time.perf_counter()
    return {"load_s": loaded_at - began, "evaluate_s": done - loaded_at, "total_s": done - began,
            "cpu_s": time.process_time() - cpu,
            "events": len(loaded.facts.events), "findings": len(result.findings), "decisions": len(result.decisions),
            "peak_mb": _peak_mb(),
            "digest": sorted(item.model_dump_json() for item in (*result.findings, *result.decisions))}


def _stream(data: Path, as_of: str) -> dict:
    from compliance.facts import Facts
    from compliance.records import LoadResult, load_export
    from compliance.streaming import Monitor
    from compliance.timeline import parse_instant

    began, cpu = time.perf_counter(), time.process_time()
    loaded = load_export(data)  # the events are read here too, then fed one at a time
    facts = loaded.facts
    events = sorted(facts.events.values(), key=lambda event: (event.occurred_at.at, event.event_id))
    end = parse_instant(as_of).at
    events = [event for event in events if event.occurred_at.at <= end]
    master = LoadResult(Facts(facts.units.values(), facts.tenures, (), facts.measures), (), {})
    del loaded, facts
    monitor = Monitor(facts=master)
    ready, ready_cpu = time.perf_counter(), time.process_time()
    given = changes = 0
    for event in events:
        given += len(monitor.feed(event))
        changes += len(monitor.decision_changes())
    given += len(monitor.advance_to(as_of))
    changes += len(monitor.decision_changes())
    fed, fed_cpu = time.perf_counter(), time.process_time()
    findings = monitor.findings()
    decisions = monitor.decisions()
    done = time.perf_counter()
    return {"setup_s": ready - began, "feed_s": fed - ready, "snapshot_s": done - fed, "total_s": done - began,
            "cpu_s": time.process_time() - cpu, "feed_cpu_s": fed_cpu - ready_cpu,
            "events": len(events), "events_per_s": len(events) / (fed - ready),
            "events_per_cpu_s": len(events) / (fed_cpu - ready_cpu), "given_early": given,
            "decision_changes": changes, "findings": len(findings), "decisions": len(decisions),
            "peak_mb": _peak_mb(), "stats": monitor.stats,
            "digest": sorted(item.model_dump_json() for item in (*findings, *decisions))}


def _run_phase(phase: str, data: Path, as_of: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--phase", phase, "--data", str(data), "--as-of", as_of],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="an export to use instead of generating one")
    parser.add_argument("--as-of", default="2023-07-01", help="the end of the generated year")
    parser.add_argument("--no-check", dest="check", action="store_false", help="do not compare the findings")
    parser.add_argument("--phase", choices=["batch", "stream"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    if args.phase:
        result = (_batch if args.phase == "batch" else _stream)(args.data, args.as_of)
        print(json.dumps(result, default=str))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data
        if data is None:
            spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
            generate = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(generate)
            data = Path(scratch) / "export"
            generate.Generator(args.units, args.events, args.seed, 10).write(data)
        batch, stream = _run_phase("batch", data, args.as_of), _run_phase("stream", data, args.as_of)
    same = batch.pop("digest") == stream.pop("digest") if args.check else None
    print(f"{args.units} units, {batch['events']} events, as of {args.as_of}; "
          f"Python {sys.version.split()[0]}; same findings and decisions: {same}\n")
    print("| run | wall time (s) | CPU time (s) | events/s (wall; CPU) | peak memory (MB) | findings | decisions |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| batch: load + evaluate | {batch['total_s']:.1f} ({batch['load_s']:.1f} + {batch['evaluate_s']:.1f}) "
          f"| {batch['cpu_s']:.1f} | {batch['events'] / batch['total_s']:,.0f}; {batch['events'] / batch['cpu_s']:,.0f} "
          f"| {batch['peak_mb']:.0f} | {batch['findings']} | {batch['decisions']} |")
    print(f"| stream: setup + feed + findings(), decisions() | {stream['total_s']:.1f} ({stream['setup_s']:.1f} + "
          f"{stream['feed_s']:.1f} + {stream['snapshot_s']:.1f}) | {stream['cpu_s']:.1f} (feed {stream['feed_cpu_s']:.1f}) "
          f"| {stream['events_per_s']:,.0f}; {stream['events_per_cpu_s']:,.0f} (feed) "
          f"| {stream['peak_mb']:.0f} | {stream['findings']} ({stream['given_early']} given as decided) "
          f"| {stream['decisions']} ({stream['decision_changes']} changes streamed) |")
    print(f"\nmonitor: {json.dumps(stream['stats'])}")
    return 0 if same in (True, None) else 1


if __name__ == "__main__":
    raise SystemExit(main())
