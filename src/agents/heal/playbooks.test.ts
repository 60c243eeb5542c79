import { describe, expect, it } from 'vitest';
import { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import { ToolRegistry } from '../../tools/registry.js';
import { diagnose } from './diagnose.js';
import type { HealEvidence } from './evidence.js';
import {
  badRollout,
  crashLoop,
  deployment,
  evidence,
  imagePull,
  minutesAgo,
  NOW,
  oomKilled,
  pod,
  revision,
} from './evidence.testkit.js';
import { healPlan, type HealDecision, type HealLimits, type HealTried } from './playbooks.js';

const limits: HealLimits = { maxMemory: '4Gi' };
const fresh: HealTried = { restart: false };
const registry = new ToolRegistry(kubernetesTools());

const decide = (e: HealEvidence, l: HealLimits = limits, tried: HealTried = fresh) =>
  healPlan(diagnose(e, NOW), e, l, tried);

/** Each step as `tool param=value …`, on-failure steps marked `!`: what a reviewer reads. */
const outline = (d: HealDecision) =>
  'plan' in d
    ? d.plan.steps.map(
        (s) =>
          `${s.when === 'on-failure' ? '!' : ''}${s.tool} ` +
          Object.entries(s.params)
            .filter(([k]) => k !== 'condition' && k !== 'timeoutSeconds')
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
      )
    : `escalate: ${d.escalate}`;

const oom = (o: Parameters<typeof evidence>[0] = {}, memoryLimit?: string) =>
  evidence({
    workload: deployment({
      readyReplicas: 2,
      containers: [{ name: 'app', image: 'app:2', ...(memoryLimit && { memoryLimit, memoryRequest: '256Mi' }) }],
    }),
    pods: [pod('web-rs4-a', oomKilled({ memoryLimit: memoryLimit ?? '512Mi' }))],
    ...o,
  });

const stuckRollout = (
  revisions = [revision(4, 'app:2', { replicas: 1 }), revision(3, 'app:1'), revision(2, 'app:0')],
) =>
  evidence({
    workload: deployment({
      readyReplicas: 3,
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    }),
    revisions,
    pods: [pod('web-rs4-a', { ready: false })],
  });

const notReady = (o: Parameters<typeof evidence>[0] = {}) =>
  evidence({
    workload: deployment({ readyReplicas: 2, availableReplicas: 2 }),
    pods: [pod('web-rs4-a', { ready: false })],
    ...o,
  });

const statefulSet = (o: Parameters<typeof evidence>[0] = {}) =>
  evidence({
    workload: deployment({
      kind: 'StatefulSet',
      name: 'db',
      revision: undefined,
      revisionName: 'db-new',
      readyReplicas: 2,
    }),
    revisions: [],
    pods: [
      pod('db-2', imagePull('app:2'), { templateHash: 'db-new' }),
      pod('db-1', { image: 'app:1' }, { templateHash: 'db-old' }),
      pod('db-0', { image: 'app:1' }, { templateHash: 'db-old' }),
    ],
    ...o,
  });

describe('healPlan picks the playbook', () => {
  it.each([
    {
      why: 'crash loop after a recent rollout: back to revision 3, whose pods are Ready now',
      e: badRollout(),
      want: ['k8s.rollout-undo target=deployment/web toRevision=3', 'k8s.wait-for-condition target=deployment/web'],
      playbook: 'rollback',
    },
    {
      why: 'crash loop after a recent rollout: back to a revision Bosun recorded healthy, skipping an unknown one',
      e: badRollout({
        revisions: [
          revision(4, 'app:2', { created: minutesAgo(10) }),
          revision(3, 'app:1.9'),
          revision(2, 'app:1', { ready: 'recorded' }),
        ],
      }),
      want: ['k8s.rollout-undo target=deployment/web toRevision=2', 'k8s.wait-for-condition target=deployment/web'],
      playbook: 'rollback',
    },
    {
      why: 'not Ready after a recent rollout: a rollback too',
      e: notReady({
        revisions: [
          revision(4, 'app:2', { created: minutesAgo(5) }),
          revision(3, 'app:1', { ready: 'ready-now', readyReplicas: 2 }),
        ],
      }),
      want: ['k8s.rollout-undo target=deployment/web toRevision=3', 'k8s.wait-for-condition target=deployment/web'],
      playbook: 'rollback',
    },
    {
      why: 'OOMKilled (last state): ×1.5, and back to the old limit if the larger pods do not come up',
      e: oom({}, '512Mi'),
      want: [
        'k8s.set-memory target=deployment/web container=app limit=768Mi',
        'k8s.wait-for-condition target=deployment/web',
        '!k8s.set-memory target=deployment/web container=app limit=512Mi request=256Mi',
        '!k8s.wait-for-condition target=deployment/web',
      ],
      playbook: 'raise-memory',
    },
    {
      why: 'OOMKilled: capped by the LimitRange max',
      e: oom({ limitRangeMaxMemory: '1Gi' }, '800Mi'),
      want: [
        'k8s.set-memory target=deployment/web container=app limit=1Gi',
        'k8s.wait-for-condition target=deployment/web',
        '!k8s.set-memory target=deployment/web container=app limit=800Mi request=256Mi',
        '!k8s.wait-for-condition target=deployment/web',
      ],
      playbook: 'raise-memory',
    },
    {
      why: 'OOMKilled: a LimitRange max in decimal units is rounded down to a whole Mi, never above it',
      e: oom({ limitRangeMaxMemory: '1G' }, '800Mi'),
      want: [
        'k8s.set-memory target=deployment/web container=app limit=953Mi',
        'k8s.wait-for-condition target=deployment/web',
        '!k8s.set-memory target=deployment/web container=app limit=800Mi request=256Mi',
        '!k8s.wait-for-condition target=deployment/web',
      ],
      playbook: 'raise-memory',
    },
    {
      why: 'OOMKilled, no LimitRange: capped by the policy maximum',
      e: oom({}, '3Gi'),
      want: [
        'k8s.set-memory target=deployment/web container=app limit=4Gi',
        'k8s.wait-for-condition target=deployment/web',
        '!k8s.set-memory target=deployment/web container=app limit=3Gi request=256Mi',
        '!k8s.wait-for-condition target=deployment/web',
      ],
      playbook: 'raise-memory',
    },
    {
      why: 'OOMKilled with the limit a LimitRange default put on the pod: raised from it, no undo known',
      e: oom(),
      want: [
        'k8s.set-memory target=deployment/web container=app limit=768Mi',
        'k8s.wait-for-condition target=deployment/web',
      ],
      playbook: 'raise-memory',
    },
    {
      why: 'ImagePull with a previous good revision: back to it',
      e: badRollout({ pods: [pod('web-rs4-a', imagePull('app:2-typo'))] }),
      want: ['k8s.rollout-undo target=deployment/web toRevision=3', 'k8s.wait-for-condition target=deployment/web'],
      playbook: 'restore-image',
    },
    {
      why: 'ImagePull on a StatefulSet: set the image a Ready pod still runs',
      e: statefulSet(),
      want: [
        'k8s.set-image target=statefulset/db container=app image=app:1',
        'k8s.wait-for-condition target=statefulset/db',
      ],
      playbook: 'restore-image',
    },
    {
      why: 'progress deadline exceeded, no revision known good: undo to the one before',
      e: stuckRollout(),
      want: ['k8s.rollout-undo target=deployment/web toRevision=3', 'k8s.wait-for-condition target=deployment/web'],
      playbook: 'undo-stuck-rollout',
    },
    {
      why: 'progress deadline exceeded: undo to the newest revision known good',
      e: stuckRollout([
        revision(4, 'app:2'),
        revision(3, 'app:1'),
        revision(2, 'app:0', { ready: 'ready-now', readyReplicas: 3 }),
      ]),
      want: ['k8s.rollout-undo target=deployment/web toRevision=2', 'k8s.wait-for-condition target=deployment/web'],
      playbook: 'undo-stuck-rollout',
    },
    {
      why: 'not Ready and nothing changed: one rolling restart',
      e: notReady(),
      want: ['k8s.rollout-restart target=deployment/web', 'k8s.wait-for-condition target=deployment/web'],
      playbook: 'restart',
    },
    {
      why: 'healthy: nothing to do',
      e: evidence(),
      want: [],
      playbook: 'none',
    },
  ])('$why', ({ e, want, playbook }) => {
    const d = decide(e);
    expect(outline(d)).toEqual(want);
    expect(d.playbook).toBe(playbook);
    if (!('plan' in d)) return;
    // a plan the engine accepts: its schema, and each step's params as its tool parses them
    expect(() => ExecutionPlan.parse(d.plan)).not.toThrow();
    for (const s of d.plan.steps) expect(() => registry.check(s, { denylist: [], allowChanges: true })).not.toThrow();
    if (d.plan.steps.length) expect(d.plan.risk).not.toBe('none');
    expect(d.plan.reasoning).not.toBe('');
    for (const s of d.plan.steps) expect(s.reasoning).toBeTruthy();
  });
});

describe('healPlan escalates what no playbook may fix', () => {
  it.each([
    {
      why: 'crash loop after a rollout with no earlier revision known to have worked',
      e: badRollout({ revisions: [revision(4, 'app:2', { created: minutesAgo(10) }), revision(3, 'app:1')] }),
      says: 'no earlier revision of deployment/web is known to have run Ready pods',
    },
    {
      why: 'crash loop with no recent rollout',
      e: evidence({ workload: deployment({ readyReplicas: 2 }), pods: [pod('web-rs4-a', crashLoop())] }),
      says: 'No recent rollout to undo',
    },
    {
      why: 'OOMKilled at the cap already',
      e: oom({ limitRangeMaxMemory: '2Gi' }, '2Gi'),
      says: 'LimitRange max (2Gi)',
    },
    { why: 'OOMKilled at the policy maximum', e: oom({}, '4Gi'), says: "policy's maximum (4Gi)" },
    {
      why: 'OOMKilled with no limit anywhere (the node ran out)',
      e: oom({ pods: [pod('web-rs4-a', oomKilled({ memoryLimit: undefined }))] }),
      says: 'has no memory limit',
    },
    {
      why: 'ImagePull without a previous good revision',
      e: badRollout({
        revisions: [revision(4, 'app:2', { created: minutesAgo(10) }), revision(3, 'app:1')],
        pods: [pod('web-rs4-a', imagePull('app:2'))],
      }),
      says: 'no earlier revision of deployment/web is known to have run',
    },
    {
      why: 'ImagePull of the very image that ran before (the registry, not the reference)',
      e: badRollout({
        revisions: [revision(4, 'app:2', { created: minutesAgo(10) }), revision(3, 'app:2', { ready: 'recorded' })],
        pods: [pod('web-rs4-a', imagePull('app:2'))],
      }),
      says: 'the registry or its credentials changed',
    },
    {
      why: 'ImagePull on a StatefulSet whose every pod is at the new revision',
      e: statefulSet({ pods: [pod('db-0', imagePull('app:2'), { templateHash: 'db-new' })] }),
      says: 'no Ready pod of statefulset/db runs an earlier image',
    },
    {
      why: 'progress deadline exceeded with no earlier revision',
      e: stuckRollout([revision(4, 'app:2')]),
      says: 'no earlier revision to undo to',
    },
    {
      why: 'not Ready and a restart was already tried',
      e: notReady(),
      tried: { restart: true },
      says: 'a rolling restart of deployment/web was tried',
    },
    {
      why: 'not Ready because a pod cannot be scheduled: a restart would not help',
      e: notReady({
        pods: [pod('web-rs4-a', { ready: false }, { unschedulable: 'Unschedulable: Insufficient memory' })],
      }),
      says: 'cannot be scheduled',
    },
    {
      why: 'a paused rollout',
      e: badRollout({ workload: deployment({ paused: true, readyReplicas: 2, updatedReplicas: 1 }) }),
      says: 'is paused',
    },
    { why: 'the target is gone', e: evidence({ workload: null }), says: 'does not exist' },
  ])('$why', ({ e, says, tried }) => {
    const d = decide(e, limits, tried ?? fresh);
    expect('escalate' in d && d.escalate).toContain(says);
  });
});
