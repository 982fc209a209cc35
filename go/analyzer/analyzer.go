// Package analyzer is cgoguard as a golang.org/x/tools/go/analysis
// Analyzer, for drivers that load packages themselves (golangci-lint,
// singlechecker/multichecker programs, analysistest).
//
// cgoguard is a C program: it reads the Go and the C side of a cgo package
// together, which go/analysis cannot (C has no place in its model). The
// Analyzer therefore runs the cgoguard binary on the pass's package, with
// exactly the pass's files, through the protocol of `go vet -vettool`, and
// turns its findings into analysis.Diagnostics: the category is the rule id
// (CG001...), the trace through C becomes Related information, and the
// machine-applicable fixes (CG008, CG020, CG022) SuggestedFixes.
//
// Positions: for a cgo package the pass holds cmd/cgo's output, whose
// //line comments point back to the original files; cgoguard reports in
// the originals (and in C files), so the Analyzer adds those files to the
// pass's FileSet, as the asmdecl analyzer does for assembly files.
package analyzer

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
)

// Options configure an Analyzer made by New.
type Options struct {
	// Binary is the cgoguard executable; empty: $CGOGUARD, else cgoguard
	// from PATH.
	Binary string
	// Config is a .cgoguard.yml to use instead of each package's nearest.
	Config string
	// Enable and Disable select rules by id, name or severity.
	Enable, Disable []string
	// Severity is the least severe finding reported: note, warning
	// (default) or error.
	Severity string
}

// Analyzer runs cgoguard with the options its flags (-cgoguard, -config,
// -enable, -disable, -severity) set.
var Analyzer = New(Options{})

// New returns an Analyzer with these options (golangci-lint's settings).
func New(opts Options) *analysis.Analyzer {
	r := &runner{opts: opts}
	a := &analysis.Analyzer{
		Name: "cgoguard",
		Doc: "find memory-safety and concurrency bugs at the Go/C boundary of cgo packages\n\n" +
			"Runs the cgoguard binary on each cgo package: Go pointers passed to or kept by C,\n" +
			"leaked C strings, finalizer races, thread-affine C calls and more (cgoguard rules).",
		URL: "https://github.com/cgoguard/cgoguard/blob/main/docs/ci.md",
		Run: r.run,
	}
	a.Flags.StringVar(&r.opts.Binary, "cgoguard", opts.Binary, "the cgoguard executable (default $CGOGUARD or cgoguard from PATH)")
	a.Flags.StringVar(&r.opts.Config, "config", opts.Config, "a .cgoguard.yml to use instead of each package's nearest")
	a.Flags.Var(listFlag{&r.opts.Enable}, "enable", "run only these rules: ids, names or severities, comma-separated")
	a.Flags.Var(listFlag{&r.opts.Disable}, "disable", "do not run these rules")
	a.Flags.StringVar(&r.opts.Severity, "severity", opts.Severity, "report findings at least this severe: note, warning or error")
	return a
}

type listFlag struct{ list *[]string }

func (f listFlag) String() string {
	if f.list == nil {
		return ""
	}
	return strings.Join(*f.list, ",")
}

func (f listFlag) Set(s string) error {
	*f.list = append(*f.list, strings.Split(s, ",")...)
	return nil
}

var _ flag.Value = listFlag{}

type runner struct {
	opts Options
	mu   sync.Mutex // the FileSet additions of concurrent passes
}

// vetConfig is the part of cmd/go's vet.cfg that cgoguard reads.
type vetConfig struct {
	ID           string
	Dir          string
	ImportPath   string
	GoFiles      []string
	NonGoFiles   []string
	IgnoredFiles []string
}

type jsonEdit struct {
	Filename string `json:"filename"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	New      string `json:"new"`
}

type jsonDiagnostic struct {
	Category       string `json:"category"`
	Posn           string `json:"posn"`
	End            string `json:"end"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string     `json:"message"`
		Edits   []jsonEdit `json:"edits"`
	} `json:"suggested_fixes"`
	Related []struct {
		Posn    string `json:"posn"`
		End     string `json:"end"`
		Message string `json:"message"`
	} `json:"related"`
}

func (r *runner) binary() string {
	if r.opts.Binary != "" {
		return r.opts.Binary
	}
	if b := os.Getenv("CGOGUARD"); b != "" {
		return b
	}
	return "cgoguard"
}

func (r *runner) run(pass *analysis.Pass) (any, error) {
	cfg, ok := packageConfig(pass)
	if !ok {
		return nil, nil // no cgo: nothing for cgoguard
	}
	dir, err := os.MkdirTemp("", "cgoguard-analyzer-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	data, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	cfgPath := filepath.Join(dir, "vet.cfg")
	if err := os.WriteFile(cfgPath, data, 0o644); err != nil {
		return nil, err
	}
	args := []string{"-json"}
	if r.opts.Config != "" {
		args = append(args, "-config="+r.opts.Config)
	}
	if len(r.opts.Enable) > 0 {
		args = append(args, "-enable="+strings.Join(r.opts.Enable, ","))
	}
	if len(r.opts.Disable) > 0 {
		args = append(args, "-disable="+strings.Join(r.opts.Disable, ","))
	}
	if r.opts.Severity != "" {
		args = append(args, "-severity="+r.opts.Severity)
	}
	args = append(args, cfgPath)
	cmd := exec.Command(r.binary(), args...)
	cmd.Dir = cfg.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("cgoguard: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if stdout.Len() == 0 {
		return nil, nil
	}
	var tree map[string]map[string]json.RawMessage
	if err := json.Unmarshal(stdout.Bytes(), &tree); err != nil {
		return nil, fmt.Errorf("cgoguard: cannot read its output: %v", err)
	}
	for _, byAnalyzer := range tree {
		raw, ok := byAnalyzer["cgoguard"]
		if !ok {
			continue
		}
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			var e struct {
				Err string `json:"error"`
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, err
			}
			return nil, errors.New(e.Err)
		}
		var diags []jsonDiagnostic
		if err := json.Unmarshal(raw, &diags); err != nil {
			return nil, fmt.Errorf("cgoguard: cannot read its diagnostics: %v", err)
		}
		for _, d := range diags {
			if diag, ok := r.convert(pass, d); ok {
				pass.Report(diag)
			}
		}
	}
	return nil, nil
}

// packageConfig describes the pass's package with its original files: the
// Go files as written (the //line targets of cgo's output), the C files
// and other non-Go files of the build. ok is false without cgo.
func packageConfig(pass *analysis.Pass) (vetConfig, bool) {
	var cfg vetConfig
	cgo := false
	seen := map[string]bool{}
	for _, f := range pass.Files {
		tf := pass.Fset.File(f.Pos())
		if tf == nil {
			continue
		}
		original := pass.Fset.Position(f.Package).Filename
		if original != tf.Name() {
			cgo = true
		}
		if strings.HasSuffix(original, "_test.go") || !strings.HasSuffix(original, ".go") || seen[original] {
			continue
		}
		seen[original] = true
		cfg.GoFiles = append(cfg.GoFiles, original)
		if cfg.Dir == "" {
			cfg.Dir = filepath.Dir(original)
		}
	}
	for _, name := range pass.OtherFiles {
		if strings.HasSuffix(name, ".c") {
			cgo = true
		}
		cfg.NonGoFiles = append(cfg.NonGoFiles, name)
	}
	if !cgo || len(cfg.GoFiles) == 0 {
		return cfg, false
	}
	sort.Strings(cfg.GoFiles)
	cfg.IgnoredFiles = append(cfg.IgnoredFiles, pass.IgnoredFiles...)
	// Without type information (golangci-lint's syntax load mode) there is
	// no types.Package: the package name identifies the unit.
	cfg.ID = pass.Files[0].Name.Name
	if pass.Pkg != nil {
		cfg.ID = pass.Pkg.Path()
	}
	cfg.ImportPath = cfg.ID
	return cfg, true
}

// file returns the pass's token.File for a file name, adding the file
// (read from disk) to the FileSet when the pass does not hold it: the
// originals of cgo files, C files, headers.
func (r *runner) file(pass *analysis.Pass, name string) *token.File {
	r.mu.Lock()
	defer r.mu.Unlock()
	var found *token.File
	pass.Fset.Iterate(func(f *token.File) bool {
		if f.Name() == name {
			found = f
			return false
		}
		return true
	})
	if found != nil {
		return found
	}
	content, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	tf := pass.Fset.AddFile(name, -1, len(content))
	tf.SetLinesForContent(content)
	return tf
}

// pos turns "file:line:col" into a position of the pass's FileSet.
func (r *runner) pos(pass *analysis.Pass, posn string) token.Pos {
	name, line, col := splitPosn(posn)
	if name == "" {
		return token.NoPos
	}
	tf := r.file(pass, name)
	if tf == nil || line < 1 || line > tf.LineCount() {
		return token.NoPos
	}
	start := tf.LineStart(line)
	if col > 1 {
		offset := tf.Offset(start) + col - 1
		if offset > tf.Size() {
			offset = tf.Size()
		}
		return tf.Pos(offset)
	}
	return start
}

func splitPosn(posn string) (string, int, int) {
	parts := strings.Split(posn, ":")
	nums := []int{}
	for len(parts) > 1 && len(nums) < 2 {
		n, err := strconv.Atoi(parts[len(parts)-1])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		parts = parts[:len(parts)-1]
	}
	name := strings.Join(parts, ":")
	switch len(nums) {
	case 2:
		return name, nums[0], nums[1]
	case 1:
		return name, nums[0], 0
	}
	return name, 0, 0
}

func (r *runner) convert(pass *analysis.Pass, d jsonDiagnostic) (analysis.Diagnostic, bool) {
	pos := r.pos(pass, d.Posn)
	if !pos.IsValid() {
		return analysis.Diagnostic{}, false
	}
	diag := analysis.Diagnostic{
		Pos:      pos,
		End:      r.pos(pass, d.End),
		Category: d.Category,
		Message:  d.Message,
		URL:      "https://github.com/cgoguard/cgoguard/blob/main/docs/rules/" + d.Category + ".md",
	}
	if diag.End < diag.Pos {
		diag.End = token.NoPos
	}
	for _, rel := range d.Related {
		rp := r.pos(pass, rel.Posn)
		if !rp.IsValid() {
			continue
		}
		re := r.pos(pass, rel.End)
		if re < rp {
			re = token.NoPos
		}
		diag.Related = append(diag.Related, analysis.RelatedInformation{Pos: rp, End: re, Message: rel.Message})
	}
	for _, fix := range d.SuggestedFixes {
		sf := analysis.SuggestedFix{Message: fix.Message}
		complete := true
		for _, e := range fix.Edits {
			tf := r.file(pass, e.Filename)
			if tf == nil || e.Start < 0 || e.End < e.Start || e.End > tf.Size() {
				complete = false
				break
			}
			sf.TextEdits = append(sf.TextEdits, analysis.TextEdit{Pos: tf.Pos(e.Start), End: tf.Pos(e.End), NewText: []byte(e.New)})
		}
		if complete && len(sf.TextEdits) > 0 {
			diag.SuggestedFixes = append(diag.SuggestedFixes, sf)
		}
	}
	return diag, true
}
