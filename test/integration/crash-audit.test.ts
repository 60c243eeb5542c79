// SIGKILL the operator at random points while model-made plans of twelve
// writes each (set-image a/b/a/b, scale, rollout restart) run, and lose the
// answer of a step's first attempt after its tool ran (as a timeout would), so
// the step is tried again although its requests landed. Then read the API
// server's audit log: every request a tool makes names its step in its
// User-Agent, and the Deployment the server answered a write with tells by its
// generation whether the write changed the spec. Each step must have made
// exactly one effective change, however often it was tried.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, controlPlane, kubectlOk, useNamespace, type AuditEvent } from '../support/cluster.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-llm.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment } from '../support/workloads.js';
import type { GoalJson } from './goal-controller.test.js';

const APPS = ['app-a', 'app-b'];
const IMAGE = { a: 'registry.example/app:a', b: 'registry.example/app:b' };
const FAILPOINTS = 'after-intent=0.1,after-tool=0.1,before-status=0.1,lost-answer=0.3';

interface Write {
  tool: string;
  params: Record<string, unknown>;
}

/** Twelve writes, each a change: images alternate, replica counts differ from the step before, restarts between. */
const drill = (app: string): Write[] => {
  const target = `deployment/${app}`;
  const rounds: [keyof typeof IMAGE, number][] = [
    ['a', 2],
    ['b', 3],
    ['a', 1],
    ['b', 2],
  ];
  return rounds.flatMap(([image, replicas]) => [
    { tool: 'k8s.set-image', params: { target, container: 'app', image: IMAGE[image] } },
    { tool: 'k8s.scale', params: { target, replicas } },
    { tool: 'k8s.rollout-restart', params: { target } },
  ]);
};

const plan = (app: string) => ({
  steps: drill(app).map((w, i) => ({
    ...w,
    description: `step ${i + 1}: ${w.tool} on ${app}`,
    reasoning: 'a drill: every step changes the Deployment',
    risk: 'low',
  })),
  risk: 'medium',
  reasoning: 'exercise writes under crashes',
});

const MUTATING = new Set(['create', 'update', 'patch', 'delete']);

/**
 * For each step key (from the User-Agent), the mutating requests it made on
 * Deployments and how many of them changed the Deployment's spec: a Deployment
 * answer whose generation is past the highest seen before, or a Scale answer
 * (the scale subresource carries no generation) whose replicas differ from the
 * last known count (in the order the server received them).
 */
function countEffective(events: AuditEvent[]): Map<string, { requests: number; effective: number }> {
  const counts = new Map<string, { requests: number; effective: number }>();
  const byObject = new Map<string, AuditEvent[]>();
  for (const e of events) {
    const key = `${e.objectRef?.namespace}/${e.objectRef?.name}`;
    byObject.set(key, [...(byObject.get(key) ?? []), e]);
  }
  for (const list of byObject.values()) {
    list.sort((x, y) => x.requestReceivedTimestamp.localeCompare(y.requestReceivedTimestamp));
    let last = 0;
    let replicas: number | undefined;
    for (const e of list) {
      const answer = e.responseObject;
      const gen = answer?.kind === 'Deployment' ? (answer.metadata?.generation ?? 0) : 0;
      const scaled = answer?.kind === 'Scale' && answer.spec?.replicas !== replicas;
      const effective = gen > last || scaled;
      last = Math.max(last, gen);
      if (answer?.kind === 'Deployment' || answer?.kind === 'Scale') replicas = answer.spec?.replicas;
      const step = / step=(\S+)/.exec(e.userAgent ?? '')?.[1];
      if (!step) continue;
      const c = counts.get(step) ?? { requests: 0, effective: 0 };
      counts.set(step, { requests: c.requests + 1, effective: c.effective + (effective ? 1 : 0) });
    }
  }
  return counts;
}

/** The audit log's size, and how much of it the RequestResponse rule adds. */
const auditSize = () => {
  const lines = readFileSync(controlPlane().auditLog, 'utf8').split('\n');
  const kib = (ls: string[]) => Math.round(ls.reduce((n, l) => n + l.length + 1, 0) / 1024);
  const full = lines.filter((l) => l.includes('"level":"RequestResponse"'));
  return `audit log: ${kib(lines)} KiB, ${full.length} events at RequestResponse in ${kib(full)} KiB`;
};

describe('crash safety, counted from the audit log', () => {
  const ns = useNamespace('crash-audit');
  let fake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeProvider('anthropic');
    // the same plan for a Goal however often the model is asked (a restart may ask again)
    fake.respond = (request) => {
      const app = /Goal \(namespace [^)]*\): drill (app-[a-z]+)/.exec(JSON.stringify(request))?.[1];
      return app ? { plan: plan(app) } : { text: 'no drill named' };
    };
    const apply = (obj: unknown) => kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: JSON.stringify(obj) });
    kubectlOk(['create', 'secret', 'generic', 'anthropic', '--from-literal=api-key=fake'], { namespace: ns() });
    kubectlOk(
      [
        'create',
        'rolebinding',
        'bosun-secret-reader',
        '--clusterrole=bosun-secret-reader',
        '--serviceaccount=bosun-system:bosun',
      ],
      { namespace: ns() },
    );
    apply({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'ModelProvider',
      metadata: { name: 'default' },
      spec: {
        provider: 'anthropic',
        baseURL: fake.baseURL,
        secretRef: { name: 'anthropic', key: 'api-key' },
        models: { low: 'small', medium: 'mid', high: 'big' },
      },
    });
    apply({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'RiskPolicy',
      metadata: { name: 'default' },
      spec: {
        levels: { none: 'auto', low: 'auto', medium: 'auto', high: 'auto', critical: 'auto' },
        llmStepRiskFloor: 'none',
      },
    });
    await Promise.all(APPS.map((app) => createDeployment(ns(), app, { replicas: 1 })));
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('makes exactly one effective change per step over many kills and lost answers', async () => {
    const started = Date.now();
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: APPS.map((app) => ({
          apiVersion: 'bosun.dev/v1alpha1',
          kind: 'Goal',
          metadata: { name: app },
          spec: { goal: `drill ${app}`, planner: 'llm' },
        })),
      }),
    });
    const goals = () =>
      (
        JSON.parse(kubectlOk(['get', 'goals', '-o', 'json'], { namespace: ns() })) as {
          items: (GoalJson & { metadata: { name: string } })[];
        }
      ).items;
    const phases = () => goals().map((g) => g.status?.phase ?? '-');

    let kills = 0;
    let runs = 0;
    const deadline = Date.now() + 270_000;
    while (phases().filter((p) => p === 'Succeeded').length < APPS.length) {
      expect(phases(), 'a Goal ended otherwise').not.toContain('Failed');
      expect(Date.now(), `Goals: ${phases().join(',')}`).toBeLessThan(deadline);
      runs += 1;
      let op: RunningOperator | undefined;
      try {
        op = await startOperator({
          cp: controlPlane(),
          identity: `crash-audit-${runs}`,
          namespace: ns(),
          args: ['--leader-elect=false'],
          env: { BOSUN_FAILPOINTS: FAILPOINTS },
        });
      } catch {
        kills += 1; // died before it was ready
        continue;
      }
      const exited = await Promise.race([
        op.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 8000)),
      ]);
      if (exited) kills += 1;
      else await op.stop();
    }
    const seconds = Math.round((Date.now() - started) / 1000);

    // every step's key, from the Goals
    const expected = goals().flatMap((g) =>
      drill(g.metadata.name).map(
        (_, i) => `${g.metadata.uid}/${g.status?.planHash ?? ''}@${g.status?.planGeneration ?? 0}/${i}`,
      ),
    );
    expect(expected).toHaveLength(24);
    const writes = auditEvents(
      (e) =>
        e.objectRef?.namespace === ns() &&
        e.objectRef.apiGroup === 'apps' &&
        e.objectRef.resource === 'deployments' &&
        MUTATING.has(e.verb),
    ).filter((e) => !(e.requestURI ?? '').includes('dryRun='));
    const counts = countEffective(writes);
    const retried = goals()
      .flatMap((g) => g.status?.plan?.steps ?? [])
      .filter((s) => (s.attempt ?? 1) > 1).length;
    const rows = expected.map((key, i) => {
      const c = counts.get(key) ?? { requests: 0, effective: 0 };
      const tool = drill(APPS[Math.floor(i / 12)] ?? '')[i % 12]?.tool ?? '';
      return `${key.padEnd(100)} ${tool.padEnd(20)} ${String(c.requests).padStart(8)} ${String(c.effective).padStart(9)}`;
    });
    console.log(
      [
        `converged in ${seconds} s after ${runs} operator runs, ${kills} killed at a failpoint;` +
          ` ${retried} steps needed more than one attempt`,
        `${'step (uid/plan hash/index)'.padEnd(100)} ${'tool'.padEnd(20)} requests effective`,
        ...rows,
        auditSize(),
      ].join('\n'),
    );
    expect(kills).toBeGreaterThanOrEqual(3);
    // no write came from anything but a step of these plans (besides the Deployments' creation)
    expect([...counts.keys()].filter((k) => !expected.includes(k))).toEqual([]);
    expect(Object.fromEntries(expected.map((k) => [k, counts.get(k)?.effective ?? 0]))).toEqual(
      Object.fromEntries(expected.map((k) => [k, 1])),
    );

    for (const app of APPS) {
      const d = getDeployment(ns(), app);
      expect(d.spec.template.spec.containers[0]?.image, app).toBe(IMAGE.b);
      expect(d.spec.replicas, app).toBe(2);
      expect(d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], app).toBeDefined();
      // created at generation 1, then twelve changes
      expect(d.metadata.generation, app).toBe(13);
    }
  }, 300_000);
});
