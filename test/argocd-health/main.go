// Command argocd-health runs Argo CD health checks kept in Argo CD's own layout
// (<root>/<group>/<Kind>/{health.lua,health_test.yaml,testdata/}) the way Argo CD runs them (lua.go).
//
//	argocd-health check <root>   every case of every health_test.yaml, like Argo CD's TestLuaHealthScript,
//	                             once with the standard libraries open (as Argo CD's tests run) and once
//	                             without (as argocd-cm runs them by default); exits 1 on any failure
//	argocd-health eval <root>    a JSON array of objects on stdin: each one's health, by the script of its
//	                             group and kind, as a JSON array of {name, kind, status, message}
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

type testCase struct {
	InputPath    string       `json:"inputPath"`
	HealthStatus healthStatus `json:"healthStatus"`
}

type testFile struct {
	Tests []testCase `json:"tests"`
}

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "check" && os.Args[1] != "eval") {
		fmt.Fprintln(os.Stderr, "usage: argocd-health check|eval <resource_customizations directory>")
		os.Exit(2)
	}
	var err error
	if os.Args[1] == "check" {
		err = check(os.Args[2], os.Stdout)
	} else {
		err = eval(os.Args[2], os.Stdin, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "argocd-health:", err)
		os.Exit(1)
	}
}

// scriptFor finds an object's health.lua as Argo CD finds a bundled one: by its API group and kind.
func scriptFor(root string, obj map[string]any) (string, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group := ""
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		group = apiVersion[:i]
	}
	path := filepath.Join(root, group, kind, "health.lua")
	script, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("no health check for %s %s (%s): %w", apiVersion, kind, path, err)
	}
	return string(script), nil
}

func check(root string, out io.Writer) error {
	var scripts []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == "health.lua" {
			scripts = append(scripts, path)
		}
		return err
	})
	if err != nil {
		return err
	}
	sort.Strings(scripts)
	cases, failures := 0, 0
	for _, script := range scripts {
		dir := filepath.Dir(script)
		name, _ := filepath.Rel(root, dir)
		n, f, err := checkDir(root, dir, name, out)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		cases, failures = cases+n, failures+f
	}
	fmt.Fprintf(out, "%d health check(s), %d case(s), %d failed\n", len(scripts), cases, failures)
	if cases == 0 {
		return fmt.Errorf("no health_test.yaml case under %s", root)
	}
	if failures > 0 {
		return fmt.Errorf("%d case(s) failed", failures)
	}
	return nil
}

func checkDir(root, dir, name string, out io.Writer) (int, int, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "health_test.yaml"))
	if err != nil {
		return 0, 0, fmt.Errorf("every health.lua needs a health_test.yaml beside it: %w", err)
	}
	var tests testFile
	if err := yaml.UnmarshalStrict(raw, &tests); err != nil {
		return 0, 0, fmt.Errorf("health_test.yaml: %w", err)
	}
	used := map[string]bool{}
	failures := 0
	for _, tc := range tests.Tests {
		used[filepath.Clean(tc.InputPath)] = true
		obj, err := readObject(filepath.Join(dir, tc.InputPath))
		if err != nil {
			return 0, 0, err
		}
		script, err := scriptFor(root, obj)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", tc.InputPath, err)
		}
		for _, open := range []bool{true, false} {
			libs := map[bool]string{true: "open libs", false: "sandboxed"}[open]
			got, err := runHealth(obj, script, open)
			switch {
			case err != nil:
				failures++
				fmt.Fprintf(out, "FAIL %s %s (%s): %v\n", name, tc.InputPath, libs, err)
			case *got != tc.HealthStatus:
				failures++
				fmt.Fprintf(out, "FAIL %s %s (%s): got %s %q, want %s %q\n", name, tc.InputPath, libs,
					got.Status, got.Message, tc.HealthStatus.Status, tc.HealthStatus.Message)
			default:
				fmt.Fprintf(out, "ok   %s %s (%s): %s %q\n", name, tc.InputPath, libs, got.Status, got.Message)
			}
		}
	}
	data, _ := filepath.Glob(filepath.Join(dir, "testdata", "*.yaml"))
	for _, f := range data {
		rel, _ := filepath.Rel(dir, f)
		if !used[rel] {
			return 0, 0, fmt.Errorf("%s is in no case of health_test.yaml", rel)
		}
	}
	return len(tests.Tests), failures, nil
}

// readObject reads a testdata file as Argo CD's health tests do (sigs.k8s.io/yaml into a map).
func readObject(path string) (map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	obj := map[string]any{}
	if err := yaml.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return obj, nil
}

type result struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func eval(root string, in io.Reader, out io.Writer) error {
	var objects []map[string]any
	dec := json.NewDecoder(in)
	dec.UseNumber()
	if err := dec.Decode(&objects); err != nil {
		return fmt.Errorf("stdin must be a JSON array of objects: %w", err)
	}
	results := make([]result, 0, len(objects))
	for i, o := range objects {
		obj := integers(o).(map[string]any)
		meta, _ := obj["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		kind, _ := obj["kind"].(string)
		script, err := scriptFor(root, obj)
		if err != nil {
			return fmt.Errorf("object %d (%s %s): %w", i, kind, name, err)
		}
		hs, err := runHealth(obj, script, false)
		if err != nil {
			return fmt.Errorf("object %d (%s %s): %w", i, kind, name, err)
		}
		results = append(results, result{Name: name, Kind: kind, Status: hs.Status, Message: hs.Message})
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(results)
}

// integers turns JSON numbers into int64 (or float64), as a live object from the API server has them.
func integers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = integers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = integers(e)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
