// The peer in Bosun's benchmark: the same minimal Goal reconcile as
// test/bench/minimal-operator.ts, written with controller-runtime. It reads the
// Goal from the informer cache and, when status.observedGeneration lags the
// generation, patches status (observedGeneration and a Ready condition) with a
// resourceVersion-guarded merge patch.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

var goalGVK = schema.GroupVersionKind{Group: "bosun.dev", Version: "v1alpha1", Kind: "Goal"}

type reconciler struct{ client.Client }

func (r *reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	goal := &unstructured.Unstructured{}
	goal.SetGroupVersionKind(goalGVK)
	if err := r.Get(ctx, req.NamespacedName, goal); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	observed, _, _ := unstructured.NestedInt64(goal.Object, "status", "observedGeneration")
	if observed == goal.GetGeneration() {
		return ctrl.Result{}, nil
	}
	base := goal.DeepCopy()
	status := map[string]interface{}{
		"observedGeneration": goal.GetGeneration(),
		"phase":              "Pending",
		"conditions": []interface{}{map[string]interface{}{
			"type": "Ready", "status": "True", "reason": "Reconciled", "message": "",
			"lastTransitionTime": time.Now().UTC().Format(time.RFC3339),
			"observedGeneration": goal.GetGeneration(),
		}},
	}
	if err := unstructured.SetNestedMap(goal.Object, status, "status"); err != nil {
		return ctrl.Result{}, err
	}
	patch := client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})
	return ctrl.Result{}, r.Status().Patch(ctx, goal, patch)
}

func main() {
	namespace := flag.String("namespace", "", "namespace to watch")
	workers := flag.Int("workers", 16, "concurrent reconciles")
	addr := flag.String("metrics-addr", "127.0.0.1:0", "metrics address")
	flag.Parse()

	// --kubeconfig is controller-runtime's own flag
	cfg, err := ctrl.GetConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg.QPS = -1 // no client-side throttling, as in Bosun: the server's priority and fairness decides
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Cache: cache.Options{DefaultNamespaces: map[string]cache.Config{*namespace: {}}},
		// The manager's client reads unstructured objects from the API server unless told to use the cache; the
		// reconcile below reads the Goal from the informer's cache, as Bosun's does.
		Client:  client.Options{Cache: &client.CacheOptions{Unstructured: true}},
		Metrics: metricsserver.Options{BindAddress: "0"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	goal := &unstructured.Unstructured{}
	goal.SetGroupVersionKind(goalGVK)
	err = ctrl.NewControllerManagedBy(mgr).
		For(goal).
		WithOptions(controller.Options{MaxConcurrentReconciles: *workers}).
		Complete(&reconciler{mgr.GetClient()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// SIGUSR2 runs a full garbage collection, so that the bench reads the heap in use after one, as it does of Bosun's
	gc := make(chan os.Signal, 1)
	signal.Notify(gc, syscall.SIGUSR2)
	go func() {
		for range gc {
			runtime.GC()
		}
	}()
	// controller-runtime's own metrics (reconcile totals) on our address, for the benchmark to read
	go func() {
		handler := promhttp.HandlerFor(prometheus.Gatherers{metrics.Registry}, promhttp.HandlerOpts{})
		_ = http.ListenAndServe(*addr, handler)
	}()
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
