// Two managers: only the leader reconciles; a SIGKILLed leader is replaced
// within lease duration + retry period; a SIGTERMed leader hands over at once.
import { describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const LEASE_MS = 15_000;
const RETRY_MS = 2_000;

interface Lease {
  spec: { holderIdentity?: string; renewTime?: string };
}

// the target does not exist, so each Goal ends Stalled (TargetNotFound): reconciled either way
const goal = (name: string) =>
  JSON.stringify({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Goal',
    metadata: { name },
    spec: { intent: { type: 'restart', target: 'deployment/web' } },
  });

describe('leader election', () => {
  const ns = useNamespace('leader');
  const leaseName = () => `bosun-${ns()}`;
  const lease = () => JSON.parse(kubectlOk(['get', 'lease', leaseName(), '-n', 'bosun-system', '-o', 'json'])) as Lease;
  const phase = (name: string) =>
    kubectlOk(['get', 'goal', name, '-o', 'jsonpath={.status.phase}'], { namespace: ns() });
  const reconciles = (op: RunningOperator) => op.metric('bosun_reconcile_total', { controller: 'goal' });
  const start = (identity: string, waitForLeader: boolean) =>
    startOperator({ cp: controlPlane(), identity, namespace: ns(), waitForLeader });

  /** polls until `op` leads; returns when, in ms since the epoch */
  async function leadsAt(op: RunningOperator, timeoutMs: number): Promise<number> {
    await until(
      `${op.identity} to lead`,
      async () => (await op.metric('bosun_leader')) === 1,
      timeoutMs,
      () => op.log(),
    );
    return Date.now();
  }

  it('only the leader reconciles; the standby takes over within lease duration + retry period after a SIGKILL, and at once after a SIGTERM', async () => {
    const alpha = await start('alpha', true);
    const beta = await start('beta', false);
    expect(lease().spec.holderIdentity).toBe('alpha');

    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goal('g1') });
    await until(
      'g1 reconciled',
      async () => phase('g1') !== '',
      30_000,
      () => alpha.log(),
    );
    expect(await reconciles(alpha)).toBeGreaterThan(0);
    expect(await reconciles(beta)).toBe(0);
    expect(await beta.metric('bosun_leader')).toBe(0);

    // SIGKILL: no release; beta waits for the lease to expire
    const lastRenew = Date.parse(lease().spec.renewTime ?? '');
    await alpha.kill();
    const killedAt = Date.now();
    const betaLeads = await leadsAt(beta, LEASE_MS + 4 * RETRY_MS);
    const sinceRenew = betaLeads - lastRenew;
    console.log(
      `takeover after SIGKILL: ${betaLeads - killedAt} ms after the kill, ${sinceRenew} ms after the last renewal`,
    );
    // the leader renewed at most one retry period before it died
    expect(sinceRenew).toBeLessThanOrEqual(LEASE_MS + 2 * RETRY_MS);
    expect(betaLeads - killedAt).toBeLessThanOrEqual(LEASE_MS + RETRY_MS + 1_000);
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goal('g2') });
    await until(
      'g2 reconciled by the new leader',
      async () => phase('g2') !== '',
      30_000,
      () => beta.log(),
    );

    // SIGTERM: beta finishes, releases the lease, and a standby takes it within about one retry period
    const gamma = await start('gamma', false);
    expect(await reconciles(gamma)).toBe(0);
    const termAt = Date.now();
    expect(await beta.stop()).toBe(0);
    const gammaLeads = await leadsAt(gamma, 10_000);
    console.log(`takeover after SIGTERM: ${gammaLeads - termAt} ms`);
    expect(gammaLeads - termAt).toBeLessThanOrEqual(RETRY_MS * 2 + 1_000);
    expect(beta.log(400)).toContain('released the leader lease');
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goal('g3') });
    await until(
      'g3 reconciled by gamma',
      async () => phase('g3') !== '',
      30_000,
      () => gamma.log(),
    );
    expect(lease().spec.holderIdentity).toBe('gamma');
  });
});
