// Command validate checks cgoguard's report output beyond what the C tests
// check.
//
//	validate SARIF_SCHEMA JSON_SCHEMA OUT_DIR
//
// OUT_DIR is where report_golden wrote its outputs. report.sarif is
// validated against the official SARIF 2.1.0 JSON schema (from the npm
// package that ships it, fetched at configure time) and then checked for the
// references a schema cannot express: ruleIndex points at the rule with that
// id, artifactLocation.index at the artifact with that URI, relatedLocations
// ids are unique, every result has a fingerprint. report.json is validated
// against cgoguard's own schema (src/report/report.schema.json) and must
// agree with report.sarif.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "validate: "+format+"\n", args...)
	os.Exit(1)
}

func load(path string) any {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		fail("%s: %v", path, err)
	}
	return v
}

func validate(schemaPath, docPath string) any {
	compiler := jsonschema.NewCompiler()
	abs, err := filepath.Abs(schemaPath)
	if err != nil {
		fail("%v", err)
	}
	schema, err := compiler.Compile(abs)
	if err != nil {
		fail("cannot compile %s: %v", schemaPath, err)
	}
	doc := load(docPath)
	if err := schema.Validate(doc); err != nil {
		fail("%s does not conform to %s:\n%#v", docPath, schemaPath, err)
	}
	return doc
}

type object = map[string]any

func obj(v any, where string) object {
	o, ok := v.(object)
	if !ok {
		fail("%s: not an object", where)
	}
	return o
}

func arr(v any, where string) []any {
	a, ok := v.([]any)
	if !ok {
		fail("%s: not an array", where)
	}
	return a
}

func num(v any, where string) int {
	f, ok := v.(float64)
	if !ok {
		fail("%s: not a number", where)
	}
	return int(f)
}

var linkRE = regexp.MustCompile(`(?:^|[^\\])\]\(([0-9]+)\)`)

func atoi(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}

func main() {
	if len(os.Args) != 4 {
		fail("usage: validate SARIF_SCHEMA JSON_SCHEMA OUT_DIR")
	}
	sarifSchema, jsonSchema, outDir := os.Args[1], os.Args[2], os.Args[3]

	log := obj(validate(sarifSchema, filepath.Join(outDir, "report.sarif")), "sarif")
	runs := arr(log["runs"], "runs")
	if log["version"] != "2.1.0" || len(runs) != 1 {
		fail("expected version 2.1.0 and one run")
	}
	run := obj(runs[0], "runs[0]")
	driver := obj(obj(run["tool"], "tool")["driver"], "tool.driver")
	for _, key := range []string{"name", "version", "informationUri"} {
		if s, _ := driver[key].(string); s == "" {
			fail("tool.driver.%s missing", key)
		}
	}
	rules := arr(driver["rules"], "rules")
	for i, r := range rules {
		rule := obj(r, fmt.Sprintf("rules[%d]", i))
		for _, key := range []string{"id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration"} {
			if _, ok := rule[key]; !ok {
				fail("rule %v lacks %s", rule["id"], key)
			}
		}
		// Code scanning: the published doc, and a security-severity score
		// for every rule that is about the code (not CG000/CG099).
		props := obj(rule["properties"], "rule properties")
		tags := fmt.Sprint(props["tags"])
		if id := rule["id"]; id != "CG000" && id != "CG099" {
			_, hasDoc := obj(rule["help"], "help")["markdown"]
			if u, _ := rule["helpUri"].(string); hasDoc && !strings.HasSuffix(u, fmt.Sprintf("/%v.md", id)) {
				fail("rule %v: helpUri %q does not name its doc", id, u)
			}
			var score float64
			if s, _ := props["security-severity"].(string); s == "" || func() bool { _, err := fmt.Sscanf(s, "%g", &score); return err != nil }() || score <= 0 || score > 10 {
				fail("rule %v: security-severity %v is not a score in (0, 10]", id, props["security-severity"])
			}
			if !strings.Contains(tags, "security") {
				fail("rule %v: no security tag (%s)", id, tags)
			}
		}
	}
	artifacts := arr(run["artifacts"], "artifacts")
	results := arr(run["results"], "results")
	if len(results) == 0 {
		fail("no results")
	}
	invocation := obj(arr(run["invocations"], "invocations")[0], "invocations[0]")
	if _, ok := invocation["executionSuccessful"]; !ok {
		fail("invocations[0].executionSuccessful missing")
	}

	checkLocation := func(l any, where string) {
		art := obj(obj(obj(l, where)["physicalLocation"], where)["artifactLocation"], where)
		index := num(art["index"], where+" artifact index")
		if index < 0 || index >= len(artifacts) {
			fail("%s: artifact index out of range", where)
		}
		uri, _ := art["uri"].(string)
		if obj(obj(artifacts[index], "artifact")["location"], "artifact location")["uri"] != uri {
			fail("%s: artifact index does not match its uri", where)
		}
		if strings.HasPrefix(uri, "/") || strings.Contains(uri, "\\") {
			fail("%s: uri is not a relative reference with forward slashes", where)
		}
	}
	suppressed := 0
	for i, r := range results {
		where := fmt.Sprintf("results[%d]", i)
		res := obj(r, where)
		ruleIndex := num(res["ruleIndex"], where+".ruleIndex")
		if ruleIndex < 0 || ruleIndex >= len(rules) || obj(rules[ruleIndex], "rule")["id"] != res["ruleId"] {
			fail("%s: ruleIndex does not point at ruleId", where)
		}
		locations := arr(res["locations"], where+".locations")
		if len(locations) != 1 {
			fail("%s: a result needs exactly one location", where)
		}
		checkLocation(locations[0], where)
		seen := map[any]bool{}
		if related, ok := res["relatedLocations"]; ok {
			for _, rl := range arr(related, where+".relatedLocations") {
				id := obj(rl, where)["id"]
				if seen[id] {
					fail("%s: relatedLocations ids are not unique", where)
				}
				seen[id] = true
				checkLocation(rl, where+" related")
			}
		}
		// GitHub shows a related location only where the message links it,
		// and every link must name one; the code flow walks the same trace.
		text, _ := obj(res["message"], where+".message")["text"].(string)
		for id := range seen {
			if !strings.Contains(text, fmt.Sprintf("](%v)", id)) {
				fail("%s: the message does not link related location %v: %q", where, id, text)
			}
		}
		for _, m := range linkRE.FindAllStringSubmatch(text, -1) {
			if !seen[float64(atoi(m[1]))] {
				fail("%s: the message links %s, which is no related location", where, m[0])
			}
		}
		if len(seen) > 0 {
			flows := arr(res["codeFlows"], where+".codeFlows")
			steps := arr(obj(arr(obj(flows[0], "codeFlow")["threadFlows"], "threadFlows")[0], "threadFlow")["locations"], "threadFlow.locations")
			if len(steps) != len(seen)+1 {
				fail("%s: the code flow has %d steps for %d related locations", where, len(steps), len(seen))
			}
			for k, st := range steps {
				checkLocation(obj(st, "step")["location"], fmt.Sprintf("%s codeFlow step %d", where, k))
			}
		}
		if fixes, ok := res["fixes"]; ok {
			for _, f := range arr(fixes, where+".fixes") {
				for _, ch := range arr(obj(f, "fix")["artifactChanges"], "artifactChanges") {
					checkLocation(object{"physicalLocation": object{"artifactLocation": obj(ch, "change")["artifactLocation"]}}, where+" fix")
				}
			}
		}
		fp, _ := obj(res["partialFingerprints"], where+".partialFingerprints")["cgoguard/v1"].(string)
		if fp == "" {
			fail("%s: no fingerprint", where)
		}
		if s, ok := res["suppressions"]; ok && len(arr(s, where+".suppressions")) > 0 {
			suppressed++
		}
	}

	rep := obj(validate(jsonSchema, filepath.Join(outDir, "report.json")), "report.json")
	summary := obj(rep["summary"], "summary")
	findings := len(arr(rep["findings"], "findings"))
	if num(rep["version"], "version") != 1 || num(summary["findings"], "summary.findings") != findings {
		fail("report.json: summary.findings does not match findings[]")
	}
	if findings != num(summary["errors"], "errors")+num(summary["warnings"], "warnings")+num(summary["notes"], "notes") {
		fail("report.json: summary counts do not add up")
	}
	var notes []any
	if n, ok := invocation["toolExecutionNotifications"]; ok {
		notes = arr(n, "toolExecutionNotifications")
	}
	fileless := 0
	for _, n := range notes {
		a, ok := obj(n, "notification")["associatedRule"]
		if !ok {
			continue // a package that could not be analysed
		}
		if _, located := obj(n, "notification")["locations"]; !located {
			fileless++
		}
		assoc := obj(a, "associatedRule")
		index := num(assoc["index"], "associatedRule.index")
		if index < 0 || index >= len(rules) || obj(rules[index], "rule")["id"] != assoc["id"] {
			fail("notification: associatedRule index does not point at its id")
		}
	}
	if num(summary["suppressed"], "summary.suppressed") != suppressed || len(results)+fileless != findings+suppressed {
		fail("report.json and report.sarif disagree on what was suppressed")
	}
	fmt.Printf("validate: ok (%d results, %d rules, %d artifacts)\n", len(results), len(rules), len(artifacts))
}
