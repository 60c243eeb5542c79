// Goals as Bosun leaves them once finished, made in bulk for the growth bench:
// the finalizer, a two-step scale plan Succeeded in the status, and Bosun's
// record of that status in its etcd (state-store.ts's snapshot), so that the
// operator's check of each one finds nothing to do.
import { Etcd3 } from 'etcd3';
import { API_VERSION } from '../../../src/api/v1alpha1/kinds.js';
import type { KubeObject } from '../../../src/api/v1alpha1/meta.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { FINALIZER } from '../../../src/runtime/finalizers.js';
import { snapshotKey } from '../../../src/store/state-store.js';
import { goalResource } from './goals.js';
import { pool } from './stats.js';

const HASH = 'b5f0a3c1d2e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f';

/** A finished two-step scale Goal's status, as the product writes it (one captured from the e2e bench). */
export function finishedStatus(target: string, generation: number, at: string) {
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: at,
    observedGeneration: generation,
  });
  return {
    observedGeneration: generation,
    phase: 'Succeeded',
    plan: {
      hash: HASH,
      risk: 'low',
      reasoning: `scale ${target} to 3 replicas and wait for them`,
      steps: [
        {
          tool: 'k8s.scale',
          params: { target, replicas: 3 },
          description: `scale ${target} from 1 to 3 replicas`,
          reasoning: `spec.intent asks for 3 replicas; ${target} has 1. Undo: scale back to 1.`,
          risk: 'low',
          when: 'always',
          diff: ['spec.replicas: 1 → 3'],
          state: 'Succeeded',
          attempt: 1,
          startedAt: at,
          finishedAt: at,
          message: `scaled ${target} to 3 replicas`,
        },
        {
          tool: 'k8s.wait-for-condition',
          params: { target, condition: 'RolledOut', timeoutSeconds: 120 },
          description: `wait until ${target} has rolled out`,
          reasoning: 'the Goal is met only when the new replicas are available',
          risk: 'none',
          when: 'always',
          state: 'Succeeded',
          attempt: 1,
          startedAt: at,
          finishedAt: at,
          message: `${target} rolled out (3/3 updated, 3/3 available)`,
        },
      ],
    },
    planHash: HASH,
    planGeneration: generation,
    mode: 'auto',
    risk: 'low',
    riskReasons: [],
    decision: 'risk low is auto under RiskPolicy default',
    policyVersion: '1',
    progress: '2/2',
    startedAt: at,
    completedAt: at,
    authority: 'runs on the rights of its requester, alice',
    conditions: [
      cond('Planned', 'True', 'Planned', `plan ${HASH.slice(0, 12)}: 2 step(s), risk low`),
      cond('Reconciling', 'False', 'Succeeded', 'all 2 step(s) succeeded'),
      cond('Ready', 'True', 'Succeeded', 'all 2 step(s) succeeded'),
      cond('Succeeded', 'True', 'Succeeded', 'all 2 step(s) succeeded'),
    ],
  };
}

/** Adds Goals g-<from> … g-<to − 1> to `namespace`, finished, 64 at a time. */
export async function addFinishedGoals(
  admin: KubeClient,
  bosunEtcdUrl: string,
  namespace: string,
  from: number,
  to: number,
): Promise<void> {
  const etcd = new Etcd3({ hosts: [bosunEtcdUrl] });
  try {
    await pool(
      Array.from({ length: to - from }, (_, i) => from + i),
      64,
      async (i) => {
        const name = `g-${i}`;
        const target = `deployment/web-${i % 100}`;
        const goal = await admin.create<KubeObject & { spec: unknown }>(goalResource, {
          apiVersion: API_VERSION,
          kind: 'Goal',
          metadata: { name, namespace, finalizers: [FINALIZER] },
          spec: {
            intent: { type: 'scale', target, replicas: 3 },
            mode: 'auto',
            planner: 'rules',
            requester: { username: 'alice', uid: '', groups: ['developers', 'system:authenticated'] },
          },
        });
        const generation = goal.metadata.generation ?? 1;
        const status = finishedStatus(target, generation, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
        // Bosun's record first, as the product writes it, then the status it projects
        const prior = { ...status, phase: 'Executing', completedAt: undefined };
        const record = { uid: goal.metadata.uid, generation, spec: goal.spec, status, prior };
        await etcd.put(snapshotKey({ kind: 'Goal', namespace, name })).value(JSON.stringify(record));
        await admin.patchStatus(goalResource, goal, status);
      },
    );
  } finally {
    etcd.close();
  }
}
