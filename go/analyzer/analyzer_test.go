package analyzer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/cgoguard/cgoguard/go/analyzer"
)

// The cgoguard binary under test: $CGOGUARD (the build's, from CTest), else
// the one in PATH.
func binary(t *testing.T) string {
	if b := os.Getenv("CGOGUARD"); b != "" {
		return b
	}
	b, err := exec.LookPath("cgoguard")
	if err != nil {
		t.Skip("no cgoguard binary: set CGOGUARD")
	}
	return b
}

func TestAnalyzer(t *testing.T) {
	a := analyzer.New(analyzer.Options{Binary: binary(t)})
	// The diagnostics match the `// want` comments of leak.go (a cgo
	// package: cgoguard reports in its original files, through //line),
	// and the fix turns leak.go into leak.go.golden.
	results := analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), a, "leak", "plain")
	related := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if d.Category == "" || d.URL == "" {
				t.Errorf("%s: no category or URL", d.Message)
			}
			for _, rel := range d.Related {
				p := r.Pass.Fset.Position(rel.Pos)
				if !p.IsValid() {
					t.Errorf("%s: related location without a position", d.Message)
				}
				if filepath.Base(p.Filename) == "keep.c" {
					related++
				}
			}
		}
	}
	// CG001's trace runs into the C file: keep() stores its argument.
	if related == 0 {
		t.Errorf("no related location in keep.c: the trace through C is lost")
	}
}

func TestSeverityAndSelection(t *testing.T) {
	a := analyzer.New(analyzer.Options{Binary: binary(t), Disable: []string{"CG008", "CG001", "CG005"}})
	results := analysistest.Run(&quiet{T: t}, analysistest.TestData(), a, "leak")
	for _, r := range results {
		if len(r.Diagnostics) != 0 {
			t.Errorf("with CG001, CG005 and CG008 disabled: %d diagnostics, want 0", len(r.Diagnostics))
		}
	}
}

func TestMissingBinary(t *testing.T) {
	a := analyzer.New(analyzer.Options{Binary: filepath.Join(t.TempDir(), "no-cgoguard")})
	results := analysistest.Run(&quiet{T: t}, analysistest.TestData(), a, "leak")
	if len(results) == 0 || results[0].Err == nil {
		t.Errorf("a missing cgoguard binary must be an error of the pass")
	}
	_ = runtime.GOOS
}

// quiet swallows analysistest's complaints about unmatched `// want`
// comments: those tests check something else.
type quiet struct{ *testing.T }

func (q *quiet) Errorf(format string, args ...any) {}
