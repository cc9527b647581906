#!/usr/bin/env python3
"""Expand template.yaml (AWS SAM) into plain CloudFormation JSON, offline.

Uses the SAM translator that cfn-lint bundles, the way `cfn-lint` itself does before linting.
Each function's local CodeUri (a jar path such as edp-store-lambda/target/edp-store-lambda.jar)
becomes s3://<code bucket>/<that path>, so a test can upload a stand-in object under the same key.

usage: expand_sam.py TEMPLATE OUTPUT_JSON [--code-bucket BUCKET] [--region REGION]
Prints one JSON line to stdout: {"code": [{"bucket": ..., "key": ..., "localPath": ...}, ...]}
"""
import argparse
import json
import sys

from cfnlint.decode import decode
from cfnlint.template.transforms._sam import Transform


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("template")
    parser.add_argument("output")
    parser.add_argument("--code-bucket", default="edp-code")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()

    template, matches = decode(args.template)
    if matches:
        for match in matches:
            print(match, file=sys.stderr)
        return 2

    code = []
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties", {})
        uri = props.get("CodeUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            props["CodeUri"] = f"s3://{args.code_bucket}/{uri}"
            entry = {"bucket": args.code_bucket, "key": uri, "localPath": uri}
            if entry not in code:
                code.append(entry)

    transform = Transform(args.template, template, args.region)
    problems = transform.transform_template()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 3

    with open(args.output, "w", encoding="utf-8") as out:
        json.dump(transform.template(), out, indent=1, default=str)
    print(json.dumps({"code": code}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
