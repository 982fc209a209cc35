// Package golangci registers cgoguard as a golangci-lint v2 module plugin.
//
// Build a golangci-lint that includes it with `golangci-lint custom` and a
// .custom-gcl.yml naming this module, then enable it in .golangci.yml:
//
//	linters:
//	  enable: [cgoguard]
//	  settings:
//	    custom:
//	      cgoguard:
//	        type: module
//	        description: cgo boundary bugs
//	        settings:
//	          binary: /usr/local/bin/cgoguard   # default: $CGOGUARD or PATH
//	          severity: warning
//	          disable: [CG017]
//	          rules: {disable: [callback-on-foreign-thread]}   # .cgoguard.yml's keys
//	          exclude: [{path: third_party/...}]
//
// rules and exclude are written to a temporary .cgoguard.yml for the run,
// in place of the packages' own.
package golangci

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"cgoguard.dev/cgoguard/analyzer"
)

func init() {
	register.Plugin("cgoguard", New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	Binary   string   `json:"binary"`
	Config   string   `json:"config"`
	Enable   []string `json:"enable"`
	Disable  []string `json:"disable"`
	Severity string   `json:"severity"`
	// The keys of .cgoguard.yml, inline.
	Rules   map[string]any `json:"rules"`
	Exclude []any          `json:"exclude"`
}

type plugin struct {
	settings Settings
}

// New is the plugin's constructor, called by golangci-lint.
func New(raw any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](raw)
	if err != nil {
		return nil, err
	}
	if (s.Rules != nil || s.Exclude != nil) && s.Config != "" {
		return nil, fmt.Errorf("cgoguard: give either config or rules/exclude, not both")
	}
	return &plugin{settings: s}, nil
}

func (p *plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	opts := analyzer.Options{
		Binary:   p.settings.Binary,
		Config:   p.settings.Config,
		Enable:   p.settings.Enable,
		Disable:  p.settings.Disable,
		Severity: p.settings.Severity,
	}
	if p.settings.Rules != nil || p.settings.Exclude != nil {
		// JSON is YAML: the inline keys become a config file for the run.
		inline := map[string]any{"version": 1}
		if p.settings.Rules != nil {
			inline["rules"] = p.settings.Rules
		}
		if p.settings.Exclude != nil {
			inline["exclude"] = p.settings.Exclude
		}
		data, err := json.Marshal(inline)
		if err != nil {
			return nil, err
		}
		f, err := os.CreateTemp("", "cgoguard-golangci-*.yml")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if _, err := f.Write(data); err != nil {
			return nil, err
		}
		opts.Config = f.Name()
	}
	return []*analysis.Analyzer{analyzer.New(opts)}, nil
}

// GetLoadMode: cgoguard reads the files itself; no type information needed.
func (p *plugin) GetLoadMode() string {
	return register.LoadModeSyntax
}
