"""Without durable-rules (Python 3.13, no C compiler) ``compliance`` still works and the monitor says why not.

These tests run everywhere: they block the import of durable-rules in a child process.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from textwrap import dedent

from tests.conftest import ROOT

BLOCK = "import sys; sys.modules['durable'] = None  # as if durable-rules could not be installed\n"


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", dedent(code)], check=False, capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "PATH": "/usr/bin:/bin"}, timeout=120)


def test_importing_compliance_never_imports_durable_rules():
    done = _python("""\
        import sys
        import compliance, compliance.streaming, compliance.cli
        print("durable" in sys.modules, "durable_rules_engine" in sys.modules)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_without_durable_rules_the_monitor_says_why_and_evaluate_still_works():
    done = _python(BLOCK + dedent("""\
        import compliance
        from compliance.streaming import Monitor, StreamingUnavailable, available
        print(available())
        try:
            Monitor(units=[{"unit_id": "PC", "name": "PC", "kind": "party_committee"}])
        except StreamingUnavailable as error:
            print(type(error).__mro__[1].__name__, "|", error.found, "|", error.what)
        result = compliance.evaluate(units=[{"unit_id": "PC", "name": "PC", "kind": "party_committee"}],
                                     as_of="2022-10-01", rules_only=["tonghua-2022-10.t02"])
        print([finding.status.value for finding in result.findings])
    """))
    assert done.returncode == 0, done.stderr
    available, unavailable, findings = done.stdout.splitlines()
    assert available == "False"
    kind, found, what = unavailable.split(" | ")
    assert kind == "ComplianceError" and found == "Python " + ".".join(map(str, sys.version_info[:3]))
    assert "needs durable-rules" in what
    assert findings == "['violated']"


def test_compliance_monitor_is_the_streaming_monitor_imported_on_first_use():
    done = _python("""\
        import sys
        import compliance
        print("compliance.streaming" in sys.modules, "Monitor" in compliance.__all__, "Monitor" in dir(compliance))
        from compliance import Monitor
        import compliance.streaming
        print(Monitor is compliance.streaming.Monitor is compliance.Monitor, "durable" in sys.modules)
        try:
            compliance.Nothing
        except AttributeError as error:
            print(error)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False True True", "True False",
                                        "module 'compliance' has no attribute 'Nothing'"]


def test_without_durable_rules_compliance_monitor_imports_and_says_why_when_made():
    done = _python(BLOCK + dedent("""\
        import compliance
        from compliance import Monitor, evaluate
        from compliance.streaming import StreamingUnavailable
        try:
            Monitor(units=[{"unit_id": "PC", "name": "PC", "kind": "party_committee"}])
        except StreamingUnavailable as error:
            print("unavailable:", error.what)
        print(len(evaluate(units=[{"unit_id": "PC", "name": "PC", "kind": "party_committee"}], as_of="2022-10-01",
                           rules_only=["tonghua-2022-10.t02"]).findings))
    """))
    assert done.returncode == 0, done.stderr
    unavailable, findings = done.stdout.splitlines()
    assert unavailable.startswith("unavailable: the streaming monitor needs durable-rules, which cannot be imported")
    assert findings == "1"


def test_without_durable_rules_watch_exits_2_with_the_reason():
    done = _python(BLOCK + "from compliance.cli import main\n"
                   "raise SystemExit(main(['watch', 'fixtures/tonghua-2022', '--until', '2023-04-01']))\n")
    assert done.returncode == 2
    assert "the streaming monitor needs durable-rules" in done.stderr
    assert "does not build on Python 3.13" in done.stderr


def test_durable_rules_is_declared_only_where_it_builds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [item for item in project["dependencies"] if item.lower().startswith("durable")]
    assert declared == ['durable_rules>=2.0.28; python_version < "3.13"']
