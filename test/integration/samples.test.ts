// What a newcomer meets: the free-text sample Goal (config/samples/goal-diagnose.yaml) on a
// cluster with no model set up waits, saying how to set one up, and is planned once one exists.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-llm.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { repoRoot } from '../support/paths.js';
import type { GoalJson } from './goal-controller.test.js';

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
});
