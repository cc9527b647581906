#!/usr/bin/env python3
"""Copy dashboards/edp.json into template.yaml's Dashboard DashboardBody (the string of its !Sub list).

Run from the repository root after editing the dashboard:
    python3 integration-tests/src/test/python/sync_dashboard.py
DashboardTemplateTest fails while the two differ. The body is the first item of `DashboardBody: !Sub`
(`- |`); the second item, the variables that name the opt-in processor's resources, is left as it is.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
DASHBOARD = ROOT / "dashboards" / "edp.json"
TEMPLATE = ROOT / "template.yaml"
INDENT = " " * 10


def main() -> int:
    body = DASHBOARD.read_text(encoding="utf-8")
    json.loads(body)  # refuse to embed invalid JSON
    lines = TEMPLATE.read_text(encoding="utf-8").split("\n")
    sub = next(i for i, line in enumerate(lines) if re.match(r"^\s+DashboardBody: !Sub\s*$", line))
    if not re.match(r"^\s+- \|\s*$", lines[sub + 1]):
        raise SystemExit("template.yaml: expected '- |' after 'DashboardBody: !Sub'")
    start = sub + 1
    end = start + 1
    while end < len(lines) and (lines[end].startswith(INDENT) or lines[end].strip() == ""):
        end += 1
    while end > start + 1 and lines[end - 1].strip() == "":
        end -= 1
    embedded = [INDENT + line if line else "" for line in body.rstrip("\n").split("\n")]
    lines[start + 1:end] = embedded
    TEMPLATE.write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
