package golangci

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// The plugin's settings as golangci-lint hands them over (decoded YAML).
func TestSettings(t *testing.T) {
	raw := map[string]any{
		"severity": "error",
		"disable":  []any{"CG017"},
		"rules":    map[string]any{"settings": map[string]any{"thread-affinity": map[string]any{"thread-error-api": []any{"mylib_errstr"}}}},
		"exclude":  []any{map[string]any{"path": "third_party/..."}},
	}
	lp, err := New(raw)
	if err != nil {
		t.Fatal(err)
	}
	analyzers, err := lp.BuildAnalyzers()
	if err != nil || len(analyzers) != 1 || analyzers[0].Name != "cgoguard" {
		t.Fatalf("BuildAnalyzers: %v, %v", analyzers, err)
	}
	a := analyzers[0]
	if got := a.Flags.Lookup("severity").Value.String(); got != "error" {
		t.Errorf("severity %q, want error", got)
	}
	if got := a.Flags.Lookup("disable").Value.String(); got != "CG017" {
		t.Errorf("disable %q, want CG017", got)
	}
	// The inline keys became a config file whose excludes start here.
	path := a.Flags.Lookup("config").Value.String()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if cfg["root"] != wd || cfg["exclude"] == nil || cfg["rules"] == nil {
		t.Errorf("inline config %s", data)
	}
	// The same settings reuse the file.
	again, _ := lp.BuildAnalyzers()
	if p := again[0].Flags.Lookup("config").Value.String(); p != path {
		t.Errorf("a second file %s for the same settings", p)
	}
	// cgoguard accepts it.
	if bin := os.Getenv("CGOGUARD"); bin != "" {
		out, err := exec.Command(bin, "scan", "--config", path, "--loader", "walk", "../testdata/src/plain").CombinedOutput()
		if err != nil {
			t.Errorf("cgoguard rejects the inline config: %v\n%s", err, out)
		}
	}
	if _, err := New(map[string]any{"config": "x.yml", "exclude": []any{}}); err == nil {
		t.Errorf("config and exclude together must be refused")
	}
}
