import { describe, expect, it } from 'vitest';
import { RemediationStatus } from '../../api/v1alpha1/remediation.js';
import { diagnose, type Symptom } from './diagnose.js';
import {
  badRollout,
  container,
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

const stuck = deployment({
  readyReplicas: 3,
  updatedReplicas: 1,
  conditions: [
    {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-rs4" has timed out progressing.',
    },
  ],
});

describe('diagnose names the symptom', () => {
  it.each([
    { why: 'a recent rollout whose new pod crash-loops', e: badRollout(), want: 'CrashLoop' },
    {
      why: 'OOMKilled in the last state of a restarting container',
      e: evidence({ pods: [pod('web-rs4-a', oomKilled())], workload: deployment({ readyReplicas: 2 }) }),
      want: 'OOMKilled',
    },
    {
      why: 'an image that cannot be pulled (before any crash loop elsewhere)',
      e: evidence({ pods: [pod('web-rs4-a', imagePull('app:2-typo')), pod('web-rs4-b', crashLoop())] }),
      want: 'ImagePull',
    },
    {
      why: 'the progress deadline exceeded, pods merely not Ready',
      e: evidence({ workload: stuck }),
      want: 'RolloutStuck',
    },
    {
      why: 'a pod not Ready, nothing changed',
      e: evidence({
        workload: deployment({ readyReplicas: 2, availableReplicas: 2 }),
        pods: [pod('web-rs4-a', { ready: false })],
      }),
      want: 'NotReady',
    },
    {
      why: 'a container that cannot start (a missing ConfigMap) is NotReady, not a crash loop',
      e: evidence({
        workload: deployment({ readyReplicas: 2 }),
        pods: [pod('web-rs4-a', { ready: false, waiting: { reason: 'CreateContainerConfigError' } })],
      }),
      want: 'NotReady',
    },
    { why: 'everything Ready and up to date', e: evidence(), want: 'Healthy' },
    {
      why: 'an OOM kill two days ago of a container Ready since is history',
      e: evidence({
        pods: [
          pod('web-rs4-a', { restartCount: 1, lastTerminated: { reason: 'OOMKilled', finishedAt: minutesAgo(2880) } }),
        ],
      }),
      want: 'Healthy',
    },
    {
      why: 'a terminating pod that crash-loops is on its way out',
      e: evidence({ pods: [pod('web-rs4-a', crashLoop(), { terminating: true })] }),
      want: 'Healthy',
    },
    {
      why: 'a rollout under way with every pod Ready',
      e: evidence({ workload: deployment({ updatedReplicas: 1 }) }),
      want: 'Unknown',
    },
    { why: 'the target is gone', e: evidence({ workload: null }), want: 'Unknown' },
  ])('$why: $want', ({ e, want }) => {
    expect(diagnose(e, NOW).symptom).toBe(want as Symptom);
  });
});

describe('diagnose finds the recent rollout', () => {
  it.each([
    {
      why: "the new ReplicaSet and Bosun's record agree",
      e: badRollout(),
      want: { revision: 4, at: minutesAgo(10), by: { kind: 'Goal', name: 'deploy-v2', at: minutesAgo(10) } },
    },
    {
      why: 'a rollout by someone else: the ReplicaSet alone',
      e: badRollout({ lastChange: undefined }),
      want: { revision: 4, at: minutesAgo(10) },
    },
    {
      why: "a rollback re-uses an old ReplicaSet: Bosun's record tells when",
      e: evidence({ lastChange: { kind: 'Remediation', name: 'web-oom', at: minutesAgo(5) } }),
      want: { revision: 4, at: minutesAgo(5), by: { kind: 'Remediation', name: 'web-oom', at: minutesAgo(5) } },
    },
    { why: 'nothing changed for days', e: evidence(), want: undefined },
    {
      why: 'a change by Bosun long ago is not recent',
      e: evidence({ lastChange: { kind: 'Goal', name: 'old', at: minutesAgo(600) } }),
      want: undefined,
    },
  ])('$why', ({ e, want }) => {
    expect(diagnose(e, NOW).recentRollout).toEqual(want);
  });
});

describe('diagnose says why, with findings a Remediation can hold', () => {
  it('names the container, the exit code, the change and the last log line', () => {
    const d = diagnose(badRollout(), NOW);
    expect(d.hypothesis).toContain('Container app of deployment/web');
    expect(d.hypothesis).toContain('exit code 1');
    expect(d.hypothesis).toContain('Revision 4 rolled out 10 min ago by Goal deploy-v2');
    expect(d.hypothesis).toContain('panic: DATABASE_URL is not set');
    expect(d.findings.map((f) => f.source)).toEqual([
      'deployment/web',
      'pod/web-rs4-a',
      'bosun action log',
      'replicasets',
      'pod/web-rs4-a container app (previous log)',
    ]);
    expect(d.findings.find((f) => f.source === 'replicasets')?.summary).toContain(
      'revision 3 (app=app:1): 2 pod(s) Ready now',
    );
  });

  it('groups pods that fail alike into one finding', () => {
    const pods = Array.from({ length: 30 }, (_, i) => pod(`web-rs4-${i}`, crashLoop()));
    const d = diagnose(evidence({ pods }), NOW);
    const crash = d.findings.filter((f) => f.summary.includes('CrashLoopBackOff'));
    expect(crash).toHaveLength(1);
    expect(crash[0]?.summary).toContain('and 29 more pod(s) alike');
  });

  it('keeps to the status bounds whatever the evidence holds', () => {
    const long = 'x'.repeat(1024);
    const pods = Array.from({ length: 50 }, (_, i) =>
      pod(
        `web-${i}`,
        crashLoop({ name: `c${i}`, image: `img:${i}`, waiting: { reason: 'CrashLoopBackOff', message: long } }),
      ),
    );
    const events = Array.from({ length: 20 }, (_, i) => ({
      type: 'Warning',
      reason: 'BackOff',
      object: `Pod/web-${i}`,
      message: 'm',
    }));
    const logs = Array.from({ length: 5 }, (_, i) => ({
      pod: `web-${i}`,
      container: `c${i}`,
      lines: Array(50).fill(long),
    }));
    const d = diagnose(evidence({ pods, events, logs, gaps: ['could not list events: forbidden'] }), NOW);
    expect(d.findings.length).toBeLessThanOrEqual(20);
    expect(Math.max(...d.findings.map((f) => f.summary.length))).toBeLessThanOrEqual(2048);
    // what the agent could not read is kept, right after the workload
    expect(d.findings[1]?.source).toBe('evidence gaps');
    expect(() =>
      RemediationStatus.parse({ diagnosis: { evidence: d.findings, hypothesis: d.hypothesis } }),
    ).not.toThrow();
  });

  it('redacts credentials a crashed container logged', () => {
    const token = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;
    const d = diagnose(
      badRollout({ logs: [{ pod: 'web-rs4-a', container: 'app', lines: [`auth failed for token ${token}`] }] }),
      NOW,
    );
    expect(JSON.stringify(d)).not.toContain(token.slice(4));
  });

  it.each([
    {
      why: 'OOM: the limit the kubelet enforced, and whether a LimitRange caps it',
      e: evidence({
        pods: [pod('web-rs4-a', oomKilled())],
        workload: deployment({ readyReplicas: 2 }),
        limitRangeMaxMemory: '1Gi',
      }),
      hypothesis: 'more memory than its limit (512Mi)',
      finding: 'at most 1Gi',
    },
    {
      why: 'OOM without any LimitRange',
      e: evidence({ pods: [pod('web-rs4-a', oomKilled())], workload: deployment({ readyReplicas: 2 }) }),
      hypothesis: 'outgrew the limit',
      finding: 'no LimitRange caps container memory',
    },
    {
      why: 'ImagePull with no recent rollout',
      e: evidence({ pods: [pod('web-rs4-a', imagePull('app:2'))] }),
      hypothesis: 'registry, the image or its pull credentials changed',
      finding: 'ImagePullBackOff',
    },
    {
      why: "RolloutStuck: the deadline and the controller's message",
      e: evidence({ workload: stuck }),
      hypothesis: 'made no progress for 600 s',
      finding: 'Progressing=False ProgressDeadlineExceeded',
    },
    {
      why: 'NotReady because a pod cannot be scheduled',
      e: evidence({
        workload: deployment({ readyReplicas: 2 }),
        pods: [
          pod(
            'web-rs4-a',
            { ready: false },
            { phase: 'Pending', unschedulable: 'Unschedulable: 0/3 nodes have enough memory' },
          ),
        ],
      }),
      hypothesis: 'cannot be scheduled',
      finding: 'not scheduled: Unschedulable',
    },
  ])('$why', ({ e, hypothesis, finding }) => {
    const d = diagnose(e, NOW);
    expect(d.hypothesis).toContain(hypothesis);
    expect(d.findings.some((f) => f.summary.includes(finding))).toBe(true);
  });

  it('reports revision readiness as it can be known', () => {
    const d = diagnose(
      evidence({
        revisions: [
          revision(4, 'app:2', { ready: 'ready-now', readyReplicas: 3 }),
          revision(3, 'app:1', { ready: 'recorded' }),
        ],
      }),
      NOW,
    );
    expect(d.findings.find((f) => f.source === 'replicasets')?.summary).toBe(
      'revision 4 (app=app:2): 3 pod(s) Ready now; revision 3 (app=app:1): Bosun saw its pods Ready',
    );
  });

  it('speaks of the one container among several that fails', () => {
    const d = diagnose(
      evidence({
        pods: [
          { ...pod('web-rs4-a'), ready: false, containers: [container({ name: 'proxy' }), container(crashLoop())] },
        ],
      }),
      NOW,
    );
    expect(d.troubles.map((t) => t.container)).toEqual(['app']);
  });
});
