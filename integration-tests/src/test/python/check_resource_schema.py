#!/usr/bin/env python3
"""Check every resource type and property name of a plain CloudFormation template (JSON) against the
CloudFormation resource provider schemas that cfn-lint ships (the registry schemas of us-east-1).

usage: check_resource_schema.py TEMPLATE_JSON
Prints one JSON line: {"checked": N, "problems": ["Resource: ...", ...]}
"""
import json
import sys

from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        template = json.load(f)
    problems = []
    checked = 0
    for logical_id, resource in template.get("Resources", {}).items():
        resource_type = resource.get("Type", "")
        if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
            continue
        try:
            schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
        except Exception:  # noqa: BLE001 - any lookup failure means the type is unknown
            problems.append(f"{logical_id}: unknown resource type {resource_type}")
            continue
        checked += 1
        known = set(schema.get("properties", {}))
        for name in resource.get("Properties", {}) or {}:
            if name not in known:
                problems.append(f"{logical_id}: {resource_type} has no property {name}")
        read_only = {
            p[len("/properties/"):]
            for p in schema.get("readOnlyProperties", [])
            if p.startswith("/properties/") and p.count("/") == 2
        }
        for name in resource.get("Properties", {}) or {}:
            if name in read_only:
                problems.append(f"{logical_id}: {resource_type} property {name} is read-only")
    print(json.dumps({"checked": checked, "problems": problems}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
