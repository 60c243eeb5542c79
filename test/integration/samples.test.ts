// What a newcomer meets: the free-text sample Goal (config/samples/goal-diagnose.yaml) on a
// cluster with no model set up waits, saying how to set one up, and is planned once one exists;
// the sample Remediation heals the sample Deployment whose pods a KWOK stage OOM-kills, as
// hack/local-up.ts shows it; the samples of the kinds this version does not act on say so in their status.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-llm.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { repoRoot } from '../support/paths.js';
import { waitRemediation } from '../support/remediations.js';
import { getDeployment } from '../support/workloads.js';
import type { GoalJson } from './goal-controller.test.js';

interface PodList {
  items: { status?: { containerStatuses?: { lastState?: { terminated?: { reason?: string } } }[] } }[];
}

const sample = (file: string) => join(repoRoot, 'config', 'samples', file);

describe('the free-text sample Goal without a model', () => {
  const ns = useNamespace('samples');
  let op: RunningOperator;
  let fake: FakeProvider | undefined;
  const goal = () =>
    JSON.parse(kubectlOk(['get', 'goal', 'why-is-web-slow', '-o', 'json'], { namespace: ns() })) as GoalJson;
  const phase = (want: string) =>
    until(
      `why-is-web-slow ${want}`,
      async () => goal().status?.phase === want,
      60_000,
      () => `${JSON.stringify(goal().status)}\n${op.log(30)}`,
    );

  beforeAll(async () => {
    // as hack/local-up.ts does: the namespace's RiskPolicy first, then the samples
    kubectlOk(['apply', '-f', sample('riskpolicy.yaml')], { namespace: ns() });
    kubectlOk(['apply', '-f', sample('deployment-web.yaml'), '-f', sample('goal-diagnose.yaml')], { namespace: ns() });
    // a short resync stands in for the minute a waiting Goal takes to look again
    op = await startOperator({
      cp: controlPlane(),
      identity: 'samples',
      namespace: ns(),
      args: ['--resync-seconds', '2'],
    });
  });
  afterAll(async () => {
    await op?.stop();
    await fake?.close();
  });

  it('waits (Pending, not Stalled), saying how to set up a ModelProvider', async () => {
    await phase('Pending');
    const conditions = goal().status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Stalled')).toBeUndefined();
    const ready = conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'NoModelProvider' });
    expect(ready?.message).toMatch(/waiting for a ModelProvider named default in .*: create one/);
    expect(ready?.message).toMatch(/config\/samples\/modelprovider\.yaml/);
    expect(kubectlOk(['describe', 'goal', 'why-is-web-slow'], { namespace: ns() })).toMatch(
      /Normal\s+NoModelProvider\s+.*waiting for a ModelProvider/,
    );
  });

  it('is planned once a ModelProvider named default exists', async () => {
    fake = await startFakeProvider('ollama', [
      {
        plan: {
          steps: [
            {
              tool: 'k8s.events',
              params: { target: 'deployment/web' },
              description: "read web's recent Events",
              reasoning: 'slowness often shows as restarts or failed probes',
              risk: 'low',
            },
          ],
          risk: 'low',
          reasoning: 'look before changing anything',
        },
      },
    ]);
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'ModelProvider',
        metadata: { name: 'default' },
        spec: { provider: 'ollama', baseURL: fake.baseURL, models: { low: 'a', medium: 'b', high: 'c' } },
      }),
    });
    await phase('Planned'); // the sample is plan-only
    const status = goal().status;
    expect(status?.plan?.steps[0]).toMatchObject({ tool: 'k8s.events', state: 'Succeeded' });
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Planned' });
    expect(status?.conditions?.find((c) => c.type === 'Reconciling')).toBeUndefined();
  });

  it('the sample Remediation heals the sample Deployment: its memory limit is raised, and it is Healed', async () => {
    // as hack/local-up.ts does: the Deployment first, the Remediation once its pods have failed
    kubectlOk(['apply', '-f', sample('deployment-cache.yaml')], { namespace: ns() });
    await until(
      'the cache pods to be OOM-killed',
      async () =>
        (
          JSON.parse(kubectlOk(['get', 'pods', '-l', 'app=cache', '-o', 'json'], { namespace: ns() })) as PodList
        ).items.some((p) => p.status?.containerStatuses?.some((c) => c.lastState?.terminated?.reason === 'OOMKilled')),
      60_000,
    );
    kubectlOk(['apply', '-f', sample('remediation.yaml')], { namespace: ns() });
    const healed = await waitRemediation(ns(), 'cache-oom', 'Healed', () => op.log(30));
    expect(healed.status?.diagnosis?.symptom).toBe('OOMKilled');
    expect(healed.status?.heals?.map((h) => [h.playbook, h.result])).toEqual([['raise-memory', 'Healed']]);
    expect(healed.status?.verification?.result).toBe('Passed');
    // 32Mi × the sample RiskPolicy's memoryFactor 1.5, under its maxMemory 1Gi
    expect(getDeployment(ns(), 'cache').spec.template.spec.containers[0]?.resources?.limits?.memory).toBe('48Mi');
    expect(kubectlOk(['get', 'remediations'], { namespace: ns() })).toMatch(
      /^cache-oom\s+Healed\s+Deployment\s+cache\s+manual\s+1\s/m,
    );
    const described = kubectlOk(['describe', 'remediation', 'cache-oom'], { namespace: ns() });
    for (const reason of ['Diagnosed', 'Planned', 'StepSucceeded', 'Verifying', 'Healed'])
      expect(described).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
  });

  it('the sample Pipeline and PipelineRun say that this version does not act on them', async () => {
    kubectlOk(['apply', '-f', sample('pipeline.yaml'), '-f', sample('pipelinerun.yaml')], { namespace: ns() });
    type Obj = {
      metadata: { name: string; generation: number };
      status?: {
        phase?: string;
        observedGeneration?: number;
        conditions?: { type: string; status: string; reason: string; message: string }[];
      };
    };
    const get = (what: string) => JSON.parse(kubectlOk(['get', what, '-o', 'json'], { namespace: ns() })) as Obj;
    const all = ['pipeline/web', 'pipelinerun/web-3f9c2ab'];
    await until(
      'their status',
      async () => all.every((w) => get(w).status?.conditions?.some((c) => c.reason === 'NotServed')),
      60_000,
      () => op.log(30),
    );
    for (const w of all) {
      const o = get(w);
      expect(o.status?.observedGeneration).toBe(o.metadata.generation);
      expect(o.status?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
        status: 'True',
        reason: 'NotServed',
      });
      expect(o.status?.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/does not run them yet/);
      expect(kubectlOk(['describe', w], { namespace: ns() })).toMatch(/Warning\s+NotServed\s+/);
    }
    expect(get('pipelinerun/web-3f9c2ab').status?.phase).toBe('Pending');
  });
});
