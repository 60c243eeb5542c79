// A resync of unchanged objects, and a cold restart of the operator, make zero
// write requests: counted from the API server's audit log.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { until } from '../../hack/control-plane/wait.js';
import { identities } from '../../hack/control-plane/identities.js';
import { controlPlane, kubectlOk, useNamespace, type AuditEvent } from '../support/cluster.js';
import { startOperator } from '../support/operator.js';

const WRITES = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** Audit events after line `from` that are writes by the operator, leases aside (leader renewals). */
function operatorWritesSince(from: number): AuditEvent[] {
  return readFileSync(controlPlane().auditLog, 'utf8')
    .split('\n')
    .slice(from)
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent)
    .filter(
      (e) =>
        e.stage === 'ResponseComplete' &&
        e.user.username === identities.operator.user &&
        WRITES.has(e.verb) &&
        e.objectRef?.resource !== 'leases',
    );
}
const auditLines = () => readFileSync(controlPlane().auditLog, 'utf8').split('\n').length - 1;

describe('no-op resync', () => {
  const ns = useNamespace('resync');

  it('makes zero write requests, for periodic resyncs and for a cold restart', async () => {
    const n = 25;
    const goals = Array.from({ length: n }, (_, i) => ({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'Goal',
      metadata: { name: `g-${i}` },
      spec: { intent: { type: 'restart', target: 'deployment/web' } },
    }));
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: goals }),
    });
    let op = await startOperator({
      cp: controlPlane(),
      identity: 'resync',
      namespace: ns(),
      args: ['--resync-seconds', '2'],
    });
    // no target exists, so every Goal settles as Stalled (TargetNotFound): a status that must not be rewritten
    const pending = () =>
      kubectlOk(['get', 'goals', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}'], { namespace: ns() })
        .split('\n')
        .filter((p) => p === 'Stalled').length;
    await until(
      'every Goal reconciled',
      async () => pending() === n,
      60_000,
      () => op.log(),
    );
    await new Promise((r) => setTimeout(r, 1000)); // let the last Events land

    // periodic resyncs: every object re-delivered, reconciled, and nothing written
    const mark = auditLines();
    const before = await op.metric('bosun_reconcile_total', { controller: 'goal' });
    await new Promise((r) => setTimeout(r, 5000));
    const resynced = (await op.metric('bosun_reconcile_total', { controller: 'goal' })) - before;
    expect(resynced).toBeGreaterThanOrEqual(2 * n); // at least two resyncs really ran
    expect(operatorWritesSince(mark)).toEqual([]);

    // cold restart: a new process lists and reconciles everything, and writes nothing
    await op.stop();
    const mark2 = auditLines();
    op = await startOperator({ cp: controlPlane(), identity: 'resync-2', namespace: ns() });
    await until(
      'the new process reconciled every Goal',
      async () => (await op.metric('bosun_reconcile_total', { controller: 'goal', result: 'success' })) >= n,
      60_000,
      () => op.log(),
    );
    expect(operatorWritesSince(mark2)).toEqual([]);
    await op.stop();
  });
});
