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
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/cgoguard/cgoguard/go/analyzer"
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
		path, err := inlineConfig(p.settings)
		if err != nil {
			return nil, err
		}
		opts.Config = path
	}
	return []*analysis.Analyzer{analyzer.New(opts)}, nil
}

// inlineConfig writes the settings' .cgoguard.yml keys to a file for the
// run (JSON is YAML). Exclude paths start at the directory golangci-lint
// runs in. The name is the content's hash: the same settings reuse one
// file instead of leaving a new one behind at every run.
func inlineConfig(s Settings) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	inline := map[string]any{"version": 1, "root": wd}
	if s.Rules != nil {
		inline["rules"] = s.Rules
	}
	if s.Exclude != nil {
		inline["exclude"] = s.Exclude
	}
	data, err := json.Marshal(inline)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	path := filepath.Join(os.TempDir(), fmt.Sprintf("cgoguard-golangci-%x.yml", sum[:8]))
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return path, nil
	}
	tmp, err := os.CreateTemp(os.TempDir(), "cgoguard-golangci-*.tmp")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// GetLoadMode: cgoguard reads the files itself; no type information needed.
func (p *plugin) GetLoadMode() string {
	return register.LoadModeSyntax
}
