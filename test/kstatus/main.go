// Command kstatus reads a JSON array of Kubernetes objects on stdin and prints, for each, how
// sigs.k8s.io/cli-utils kstatus reads it (status.Compute, as Flux and kpt do): a JSON array of
// {name, kind, status, message}, in the order given. Bosun's tests feed it every phase of every kind.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type result struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var objects []map[string]any
	dec := json.NewDecoder(in)
	dec.UseNumber()
	if err := dec.Decode(&objects); err != nil {
		return fmt.Errorf("stdin must be a JSON array of objects: %w", err)
	}
	results := make([]result, 0, len(objects))
	for i, o := range objects {
		u := &unstructured.Unstructured{Object: normalize(o).(map[string]any)}
		res, err := status.Compute(u)
		if err != nil {
			return fmt.Errorf("object %d (%s %s): %w", i, u.GetKind(), u.GetName(), err)
		}
		r := result{Name: u.GetName(), Kind: u.GetKind(), Status: res.Status.String(), Message: res.Message}
		results = append(results, r)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(results)
}

// normalize turns JSON numbers into int64 (or float64), as the API machinery's own decoding does,
// so metadata.generation and status.observedGeneration are read as integers.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
