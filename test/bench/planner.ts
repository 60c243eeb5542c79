// Rule-planner time per plan: planning, registry checks, risk scoring, hashing
// and the policy decision, in process (no API calls), for every intent type.
import { planGoal } from '../../src/agents/goal/rule-planner.js';
import type { GoalActual } from '../../src/agents/goal/actual.js';
import { GoalSpec } from '../../src/api/v1alpha1/goal.js';
import { assessPlan } from '../../src/engine/assess.js';
import { builtInPolicy } from '../../src/policy/decision.js';
import { kubernetesTools } from '../../src/tools/kubernetes/index.js';
import { ToolRegistry } from '../../src/tools/registry.js';
import { percentile } from './lib/stats.js';

const actual: GoalActual = {
  target: {
    kind: 'deployment',
    name: 'web',
    replicas: 4,
    revision: 7,
    containers: [{ name: 'web', image: 'nginx:1.27' }],
    available: 4,
  },
  pods: [{ name: 'web-1', phase: 'Running', ready: false, restarts: 3, reason: 'CrashLoopBackOff', container: 'web' }],
};

const intents = [
  { type: 'scale', target: 'deployment/web', replicas: 6 },
  { type: 'restart', target: 'deployment/web' },
  { type: 'rollback', target: 'deployment/web' },
  { type: 'deploy-image', target: 'deployment/web', image: 'nginx:1.28' },
  { type: 'apply', manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
  { type: 'delete', target: 'deployment/web' },
  { type: 'diagnose', target: 'deployment/web' },
].map((intent) => GoalSpec.parse({ intent }));

export function benchRulePlanner(iterations = 20_000): { p50Us: number; p99Us: number; plansPerSecond: number } {
  const registry = new ToolRegistry(kubernetesTools());
  const gate = { denylist: [], allowChanges: true };
  const times: number[] = [];
  const run = (spec: GoalSpec) => {
    const proposed = planGoal(spec, actual);
    assessPlan({
      proposed,
      registry,
      gate,
      policy: builtInPolicy,
      namespace: 'team',
      namespaceProtected: false,
      target: actual.target,
    });
  };
  for (let i = 0; i < 2000; i++) run(intents[i % intents.length] as GoalSpec); // warm-up
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    run(intents[i % intents.length] as GoalSpec);
    times.push((performance.now() - t) * 1000);
  }
  const total = (performance.now() - started) / 1000;
  return { p50Us: percentile(times, 50), p99Us: percentile(times, 99), plansPerSecond: iterations / total };
}
