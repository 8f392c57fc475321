"""Per-check counts of a `scripts/schemathesis.sh` run, from schemathesis's
NDJSON event reports: for each report (one spec, GETs or POSTs), each
operation and each check, how many test cases it passed and failed.

    python3 scripts/schemathesis_summary.py target/schemathesis/*.ndjson

Prints a Markdown table (the one in scripts/README.md).
"""

import collections
import json
import os
import sys


def counts(path):
    """{(operation, check): Counter(status)} and the seed of one report."""
    out = collections.defaultdict(collections.Counter)
    seed = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            if "Initialize" in event:
                seed = event["Initialize"].get("seed")
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished.get("recorder", {})
            label = recorder.get("label", "?")
            for checks in recorder.get("checks", {}).values():
                for check in checks:
                    out[(label, check["name"])][check["status"]] += 1
    return out, seed


def main(paths):
    print("| report | operation | check | passed | failed |")
    print("|---|---|---|---|---|")
    failed = 0
    for path in sorted(paths):
        table, seed = counts(path)
        name = os.path.basename(path).removesuffix(".ndjson")
        for (label, check), c in sorted(table.items()):
            bad = c.get("failure", 0) + c.get("error", 0)
            failed += bad
            print(f"| {name} (seed {seed}) | `{label}` | `{check}` | {c.get('success', 0)} | {bad} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
