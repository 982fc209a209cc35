#!/usr/bin/env python3
"""Validates cgoguard's report output beyond what the C tests check.

usage: validate_reports.py SARIF_SCHEMA JSON_SCHEMA OUT_DIR

OUT_DIR is where report_golden wrote its outputs. report.sarif is validated
against the official SARIF 2.1.0 JSON schema (from the npm package that
ships it, fetched at configure time) and then checked for the references a
schema cannot express: ruleIndex points at the rule with that id,
artifactLocation.index at the artifact with that URI, relatedLocations ids
are unique, every result has a fingerprint. report.json is validated against
cgoguard's own schema (src/report/report.schema.json) and must agree with
report.sarif.
"""
import json
import sys

import jsonschema


def fail(msg):
    print("validate_reports: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    schema_path, json_schema_path, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(out_dir + "/report.sarif", encoding="utf-8") as f:
        log = json.load(f)
    validator_cls = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_cls(schema).iter_errors(log), key=lambda e: list(e.path))
    for e in errors:
        print("schema: %s at %s" % (e.message, "/".join(map(str, e.path))), file=sys.stderr)
    if errors:
        fail("report.sarif does not conform to the SARIF 2.1.0 schema")

    if log["version"] != "2.1.0" or len(log["runs"]) != 1:
        fail("expected version 2.1.0 and one run")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for key in ("name", "version", "informationUri"):
        if not run["tool"]["driver"].get(key):
            fail("tool.driver." + key + " missing")
    for r in rules:
        for key in ("id", "name", "shortDescription", "fullDescription", "help",
                    "defaultConfiguration"):
            if key not in r:
                fail("rule %s lacks %s" % (r.get("id"), key))
    artifacts = run["artifacts"]
    if not run["results"]:
        fail("no results")
    if "executionSuccessful" not in run["invocations"][0]:
        fail("invocations[0].executionSuccessful missing")

    def check_location(loc, where):
        art = loc["physicalLocation"]["artifactLocation"]
        if artifacts[art["index"]]["location"]["uri"] != art["uri"]:
            fail(where + ": artifact index does not match its uri")
        if art["uri"].startswith("/") or "\\" in art["uri"]:
            fail(where + ": uri is not a relative reference with forward slashes")

    suppressed = 0
    for i, res in enumerate(run["results"]):
        where = "results[%d]" % i
        if rules[res["ruleIndex"]]["id"] != res["ruleId"]:
            fail(where + ": ruleIndex does not point at ruleId")
        if len(res["locations"]) != 1:
            fail(where + ": a result needs exactly one location")
        for loc in res["locations"]:
            check_location(loc, where)
        ids = [r["id"] for r in res.get("relatedLocations", [])]
        if len(ids) != len(set(ids)):
            fail(where + ": relatedLocations ids are not unique")
        for r in res.get("relatedLocations", []):
            check_location(r, where + " related")
        if not res["partialFingerprints"].get("cgoguard/v1"):
            fail(where + ": no fingerprint")
        suppressed += bool(res.get("suppressions"))

    with open(out_dir + "/report.json", encoding="utf-8") as f:
        rep = json.load(f)
    with open(json_schema_path, encoding="utf-8") as f:
        rep_schema = json.load(f)
    errors = list(jsonschema.validators.validator_for(rep_schema)(rep_schema).iter_errors(rep))
    for e in errors:
        print("json schema: %s at %s" % (e.message, "/".join(map(str, e.path))), file=sys.stderr)
    if errors:
        fail("report.json does not conform to src/report/report.schema.json")
    s = rep["summary"]
    if rep["version"] != 1 or s["findings"] != len(rep["findings"]):
        fail("report.json: summary.findings does not match findings[]")
    if s["findings"] != s["errors"] + s["warnings"] + s["notes"]:
        fail("report.json: summary counts do not add up")
    notes = run["invocations"][0].get("toolExecutionNotifications", [])
    for n in notes:
        if rules[n["associatedRule"]["index"]]["id"] != n["associatedRule"]["id"]:
            fail("notification: associatedRule index does not point at its id")
    if s["suppressed"] != suppressed or len(run["results"]) + len(notes) != s["findings"] + suppressed:
        fail("report.json and report.sarif disagree on what was suppressed")
    print("validate_reports: ok (%d results, %d rules, %d artifacts)"
          % (len(run["results"]), len(rules), len(artifacts)))


if __name__ == "__main__":
    main()
