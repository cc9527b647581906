#!/usr/bin/env python3
"""Expand template.yaml (AWS SAM) into plain CloudFormation JSON, offline.

Uses the SAM translator that cfn-lint bundles, the way `cfn-lint` itself does before linting.
Each function's local CodeUri (a jar path such as edp-store-lambda/target/edp-store-lambda.jar)
becomes s3://<code bucket>/<that path>, so a test can upload a stand-in object under the same key.

usage: expand_sam.py TEMPLATE OUTPUT_JSON [--code-bucket BUCKET] [--region REGION]
Prints one JSON line to stdout: {"code": [{"bucket": ..., "key": ..., "localPath": ...}, ...]}

usage: expand_sam.py TEMPLATE OUTPUT_DIR --variants VARIANTS_JSON
VARIANTS_JSON is a list of {"name": ..., "parameters": {name: value}}; each variant is expanded the
way the SAM transform expands it for a deployment with those parameter values (SAM resolves
parameter references where it names resources, such as the published versions) and written to
OUTPUT_DIR/<name>.json. Prints one JSON line: {"createOnly": {resource type: [property, ...]}}, the
properties whose change makes CloudFormation replace a resource of each type the variants use.
"""
import argparse
import json
import os
import sys

from cfnlint.decode import decode
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER
from cfnlint.template.transforms._sam import Transform


def expand(template_path, code_bucket, region, parameters):
    """Returns (expanded template, code objects), or raises ValueError with the problems."""
    template, matches = decode(template_path)
    if matches:
        raise ValueError("\n".join(str(m) for m in matches))

    code = []
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties", {})
        uri = props.get("CodeUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            props["CodeUri"] = f"s3://{code_bucket}/{uri}"
            entry = {"bucket": code_bucket, "key": uri, "localPath": uri}
            if entry not in code:
                code.append(entry)

    transform = Transform(template_path, template, region)
    transform._parameters = dict(parameters)  # what CloudFormation hands the transform at deploy time
    problems = transform.transform_template()
    if problems:
        raise ValueError("\n".join(str(p) for p in problems))
    return transform.template(), code


def create_only_properties(templates):
    types = sorted({r.get("Type") for t in templates for r in t.get("Resources", {}).values()})
    result = {}
    for resource_type in types:
        if resource_type.startswith("Custom::"):
            continue
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
        result[resource_type] = sorted(
            p[len("/properties/"):] for p in schema.get("createOnlyProperties", []) if p.count("/") == 2
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("template")
    parser.add_argument("output")
    parser.add_argument("--code-bucket", default="edp-code")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--variants")
    args = parser.parse_args()

    try:
        if args.variants:
            with open(args.variants, encoding="utf-8") as f:
                variants = json.load(f)
            os.makedirs(args.output, exist_ok=True)
            expanded = []
            for variant in variants:
                template, _ = expand(args.template, args.code_bucket, args.region, variant["parameters"])
                with open(os.path.join(args.output, variant["name"] + ".json"), "w", encoding="utf-8") as out:
                    json.dump(template, out, indent=1, default=str)
                expanded.append(template)
            print(json.dumps({"createOnly": create_only_properties(expanded)}))
            return 0
        template, code = expand(args.template, args.code_bucket, args.region, {})
    except ValueError as e:
        print(e, file=sys.stderr)
        return 3

    with open(args.output, "w", encoding="utf-8") as out:
        json.dump(template, out, indent=1, default=str)
    print(json.dumps({"code": code}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
