// Invalid objects are rejected by the real API server (CRD schema + CEL) with a
// message that names the field. At least three cases per kind.
import { describe, expect, it } from 'vitest';
import { API_VERSION, type KindName } from '../../src/api/v1alpha1/kinds.js';
import { kubectl, kubectlOk, useNamespace } from '../support/cluster.js';

type Spec = Record<string, unknown>;

const valid: Record<KindName, Spec> = {
  Goal: { intent: { type: 'scale', target: 'deployment/web', replicas: 3 } },
  Pipeline: {
    source: { repo: 'https://example.com/web.git' },
    stages: [
      { name: 'lint', agent: 'lint' },
      { name: 'test', agent: 'test', dependsOn: ['lint'] },
    ],
  },
  PipelineRun: { pipelineRef: { name: 'web' }, revision: '3f9c2ab', trigger: { type: 'manual' } },
  Remediation: {
    issue: { source: 'alert', fingerprint: 'f1', summary: 'pod crash-looping' },
    targetRef: { kind: 'Deployment', name: 'web' },
  },
  Approval: {
    subjectRef: { kind: 'Goal', name: 'scale-web' },
    planHash: 'a'.repeat(64),
    steps: [{ index: 0, tool: 'k8s.scale', summary: 'scale web to 3', risk: 'high' }],
    risk: 'high',
    approvers: { users: ['bob'], groups: ['sre'] },
    requiredApprovals: 2,
    expiresAt: '2030-01-01T00:00:00Z',
  },
  RiskPolicy: { approvers: { users: ['bob'] } },
  ModelProvider: {
    provider: 'openai',
    secretRef: { name: 'openai', key: 'api-key' },
    models: { low: 'a', medium: 'b', high: 'c' },
  },
};

let counter = 0;
const manifest = (kind: KindName, spec: Spec) =>
  JSON.stringify({ apiVersion: API_VERSION, kind, metadata: { name: `${kind.toLowerCase()}-${++counter}` }, spec });

const merge = (base: Spec, patch: Spec): Spec => ({ ...base, ...patch });

interface CreateCase {
  kind: KindName;
  why: string;
  spec: Spec;
  /** every pattern must appear in the API server's answer */
  says: RegExp[];
}

const createCases: CreateCase[] = [
  // Goal
  {
    kind: 'Goal',
    why: 'neither a typed intent nor goal text',
    spec: { mode: 'auto' },
    says: [/spec: Invalid value/, /set exactly one of spec\.intent .* or spec\.goal/],
  },
  {
    kind: 'Goal',
    why: 'both a typed intent and goal text',
    spec: merge(valid.Goal, { goal: 'make web fast' }),
    says: [/set exactly one of spec\.intent/],
  },
  {
    kind: 'Goal',
    why: 'negative replicas',
    spec: { intent: { type: 'scale', target: 'deployment/web', replicas: -1 } },
    says: [/spec\.intent\.replicas/, /greater than or equal to 0/],
  },
  {
    kind: 'Goal',
    why: 'a scale intent without replicas',
    spec: { intent: { type: 'scale', target: 'deployment/web' } },
    says: [/spec\.intent\.replicas: Required value: a scale intent needs intent\.replicas/],
  },
  {
    kind: 'Goal',
    why: 'an unknown intent type',
    spec: { intent: { type: 'teleport', target: 'deployment/web' } },
    says: [/spec\.intent\.type: Unsupported value: "teleport"/],
  },
  {
    kind: 'Goal',
    why: 'a target that is not kind/name',
    spec: { intent: { type: 'restart', target: 'web' } },
    says: [/spec\.intent\.target/, /should match/],
  },
  {
    kind: 'Goal',
    why: 'an unknown mode',
    spec: merge(valid.Goal, { mode: 'yolo' }),
    says: [/spec\.mode: Unsupported value: "yolo"/],
  },
  // Pipeline
  {
    kind: 'Pipeline',
    why: 'duplicate stage names',
    spec: merge(valid.Pipeline, {
      stages: [
        { name: 'lint', agent: 'lint' },
        { name: 'lint', agent: 'test' },
      ],
    }),
    says: [/spec\.stages: Invalid value/, /stage names must be unique/],
  },
  {
    kind: 'Pipeline',
    why: 'dependsOn names a missing stage',
    spec: merge(valid.Pipeline, { stages: [{ name: 'build', agent: 'build', dependsOn: ['compile'] }] }),
    says: [/spec\.stages/, /every dependsOn must name another stage/],
  },
  {
    kind: 'Pipeline',
    why: 'no stages',
    spec: merge(valid.Pipeline, { stages: [] }),
    says: [/spec\.stages/, /should have at least 1 items/],
  },
  {
    kind: 'Pipeline',
    why: "a build stage on a runner with the agent's command but nowhere to push",
    spec: merge(valid.Pipeline, { stages: [{ name: 'build', agent: 'build' }] }),
    says: [/spec\.build: Required value: a build stage on a runner without its own command needs spec\.build\.image/],
  },
  {
    kind: 'Pipeline',
    why: 'a repository the runner may not clone (file://)',
    spec: merge(valid.Pipeline, { source: { repo: 'file:///etc' } }),
    says: [/spec\.source\.repo in body should match '\^\(https\?\|git\)/],
  },
  {
    kind: 'Pipeline',
    why: 'commit statuses without the GitHub repository',
    spec: merge(valid.Pipeline, { notify: [{ type: 'github-status', secretRef: { name: 'gh', key: 'token' } }] }),
    says: [/spec\.source\.github: Required value: a github-status target needs spec\.source\.github/],
  },
  {
    kind: 'Pipeline',
    why: 'a deploy stage without spec.deploy',
    spec: merge(valid.Pipeline, { stages: [{ name: 'deploy', agent: 'deploy' }] }),
    says: [/spec\.deploy: Required value: a deploy stage needs spec\.deploy/],
  },
  {
    kind: 'Pipeline',
    why: 'an unknown stage agent',
    spec: merge(valid.Pipeline, { stages: [{ name: 'fuzz', agent: 'fuzz' }] }),
    says: [/spec\.stages\[0\]\.agent: Unsupported value: "fuzz"/],
  },
  {
    kind: 'Pipeline',
    why: 'a stage that runs in the cluster with no image',
    spec: merge(valid.Pipeline, { runOn: 'cluster', stages: [{ name: 'lint', agent: 'lint', command: ['make'] }] }),
    says: [/spec\.stages: Required value: a stage that runs in the cluster needs an image/],
  },
  {
    kind: 'Pipeline',
    why: 'a finally stage that depends on a main stage',
    spec: merge(valid.Pipeline, {
      stages: [{ name: 'lint', agent: 'lint' }],
      finally: [{ name: 'report', agent: 'report', dependsOn: ['lint'] }],
    }),
    says: [/spec\.finally/, /a finally stage may depend only on other finally stages/],
  },
  {
    kind: 'Pipeline',
    why: 'a retry that backs off by less than nothing',
    spec: merge(valid.Pipeline, { retry: { max: 2, factor: 0.5 } }),
    says: [/spec\.retry\.factor/, /should be greater than or equal to 1/],
  },
  // PipelineRun
  {
    kind: 'PipelineRun',
    why: 'a revision that is not a commit SHA',
    spec: merge(valid.PipelineRun, { revision: 'main' }),
    says: [/spec\.revision/, /should match/],
  },
  {
    kind: 'PipelineRun',
    why: 'an unknown trigger',
    spec: merge(valid.PipelineRun, { trigger: { type: 'cron' } }),
    says: [/spec\.trigger\.type: Unsupported value: "cron"/],
  },
  {
    kind: 'PipelineRun',
    why: 'no pipeline reference',
    spec: { revision: '3f9c2ab', trigger: { type: 'manual' } },
    says: [/spec\.pipelineRef: Required value/],
  },
  // Remediation
  {
    kind: 'Remediation',
    why: 'no target',
    spec: { issue: valid.Remediation.issue },
    says: [/spec\.targetRef: Required value/],
  },
  {
    kind: 'Remediation',
    why: 'an unknown issue source',
    spec: merge(valid.Remediation, { issue: { source: 'rumour', fingerprint: 'f', summary: 's' } }),
    says: [/spec\.issue\.source: Unsupported value: "rumour"/],
  },
  {
    kind: 'Remediation',
    why: 'an unknown severity',
    spec: merge(valid.Remediation, {
      issue: { source: 'alert', fingerprint: 'f', summary: 's', severity: 'apocalyptic' },
    }),
    says: [/spec\.issue\.severity: Unsupported value/],
  },
  // Approval
  {
    kind: 'Approval',
    why: 'an unknown risk level',
    spec: merge(valid.Approval, { risk: 'severe' }),
    says: [/spec\.risk: Unsupported value: "severe"/],
  },
  {
    kind: 'Approval',
    why: 'zero required approvals',
    spec: merge(valid.Approval, { requiredApprovals: 0 }),
    says: [/spec\.requiredApprovals/, /greater than or equal to 1/],
  },
  {
    kind: 'Approval',
    why: 'no approvers',
    spec: merge(valid.Approval, { approvers: { users: [], groups: [] } }),
    says: [/spec\.approvers/, /list at least one approver user or group/],
  },
  {
    kind: 'Approval',
    why: 'a plan hash that is not sha256',
    spec: merge(valid.Approval, { planHash: 'abc' }),
    says: [/spec\.planHash/, /should match/],
  },
  {
    kind: 'Approval',
    why: 'two decisions by one user',
    spec: merge(valid.Approval, {
      decisions: [
        { user: 'bob', decision: 'approve' },
        { user: 'bob', decision: 'approve' },
      ],
    }),
    says: [/spec\.decisions: Invalid value/, /each approver decides once/],
  },
  // RiskPolicy
  {
    kind: 'RiskPolicy',
    why: 'an unknown action',
    spec: { levels: { high: 'maybe' }, approvers: { users: ['bob'] } },
    says: [/spec\.levels\.high: Unsupported value: "maybe"/],
  },
  {
    kind: 'RiskPolicy',
    why: 'a tool both allowed and denied',
    spec: merge(valid.RiskPolicy, { tools: { allow: ['k8s.scale'], deny: ['k8s.scale'] } }),
    says: [/spec\.tools/, /a tool cannot be both allowed and denied/],
  },
  {
    kind: 'RiskPolicy',
    why: 'approval required but no approvers',
    spec: { levels: { high: 'approve' } },
    says: [/spec\.approvers: Required value/, /needs spec\.approvers/],
  },
  {
    kind: 'RiskPolicy',
    why: 'a protected namespace that is not a DNS label',
    spec: merge(valid.RiskPolicy, { protectedNamespaces: ['Prod_1'] }),
    says: [/spec\.protectedNamespaces\[0\]/, /should match/],
  },
  // ModelProvider
  {
    kind: 'ModelProvider',
    why: 'openai without an API key secret',
    spec: { provider: 'openai', models: valid.ModelProvider.models },
    says: [/spec\.secretRef: Required value/, /need spec\.secretRef/],
  },
  {
    kind: 'ModelProvider',
    why: 'an unknown provider',
    spec: merge(valid.ModelProvider, { provider: 'oracle' }),
    says: [/spec\.provider: Unsupported value: "oracle"/],
  },
  {
    kind: 'ModelProvider',
    why: 'a model tier missing',
    spec: merge(valid.ModelProvider, { models: { low: 'a', medium: 'b' } }),
    says: [/spec\.models\.high: Required value/],
  },
  {
    kind: 'ModelProvider',
    why: 'a zero timeout',
    spec: merge(valid.ModelProvider, { timeoutSeconds: 0 }),
    says: [/spec\.timeoutSeconds/, /greater than or equal to 1/],
  },
];

interface UpdateCase {
  kind: KindName;
  why: string;
  patch: Spec;
  says: RegExp[];
  /** changes applied (and accepted), in turn, before the forbidden one */
  before?: Spec | Spec[];
}

const bob = { user: 'bob', decision: 'approve', comment: '' };
const carol = { user: 'carol', decision: 'approve', comment: '' };

const updateCases: UpdateCase[] = [
  {
    kind: 'Approval',
    why: 'changing the plan hash',
    patch: { planHash: 'b'.repeat(64) },
    says: [/spec\.planHash: Invalid value/, /planHash is immutable/],
  },
  {
    kind: 'Approval',
    why: 'lowering the required count',
    patch: { requiredApprovals: 1 },
    says: [/spec\.requiredApprovals/, /requiredApprovals is immutable/],
  },
  {
    kind: 'Approval',
    why: 'adding an approver',
    patch: { approvers: { users: ['bob', 'mallory'], groups: ['sre'] } },
    says: [/spec\.approvers/, /approvers are immutable/],
  },
  {
    kind: 'Approval',
    why: 'extending the expiry',
    patch: { expiresAt: '2031-01-01T00:00:00Z' },
    says: [/spec\.expiresAt/, /expiresAt is immutable/],
  },
  {
    kind: 'Approval',
    why: 'changing a decision already made',
    before: { decisions: [{ user: 'bob', decision: 'deny', comment: 'not now' }] },
    patch: { decisions: [{ user: 'bob', decision: 'approve', comment: 'not now' }] },
    says: [/spec\.decisions/, /decisions are append-only/],
  },
  {
    kind: 'Approval',
    why: 'removing a decision',
    before: { decisions: [{ user: 'bob', decision: 'deny', comment: '' }] },
    patch: { decisions: [] },
    says: [/spec\.decisions/, /decisions are append-only/],
  },
  {
    kind: 'Approval',
    why: 'reordering decisions',
    before: [{ decisions: [bob] }, { decisions: [bob, carol] }],
    patch: { decisions: [carol, bob] },
    says: [/spec\.decisions/, /decisions are append-only, one at a time/],
  },
  {
    kind: 'Approval',
    why: 'inserting a decision before an existing one',
    before: { decisions: [bob] },
    patch: { decisions: [carol, bob] },
    says: [/spec\.decisions/, /decisions are append-only, one at a time/],
  },
  {
    kind: 'Approval',
    why: 'adding two decisions at once',
    patch: { decisions: [bob, carol] },
    says: [/spec\.decisions/, /decisions are append-only, one at a time/],
  },
  {
    kind: 'Approval',
    why: 'rewriting the runbook',
    patch: { runbook: 'nothing to undo' },
    says: [/spec\.runbook/, /runbook is immutable/],
  },
  {
    kind: 'Approval',
    why: 'adding a reason',
    patch: { reasons: ['quiet hours'] },
    says: [/spec\.reasons/, /reasons is immutable/],
  },
  {
    kind: 'Approval',
    why: 'adding an authority it did not have',
    patch: { authority: 'the approvers' },
    says: [/spec: Invalid value/, /requester and authority .* cannot be added or removed/],
  },
  {
    kind: 'Approval',
    why: 'adding a requester it did not have',
    patch: { requester: { username: 'carol' } },
    says: [/requester and authority .* cannot be added or removed/],
  },
  // the requester: the webhook stamps and guards it; with no webhook (here), CEL still keeps it
  {
    kind: 'Goal',
    why: 'changing the requester',
    before: { requester: { username: 'alice', groups: ['developers'] } },
    patch: { requester: { username: 'bob', groups: ['system:masters'] } },
    says: [/spec\.requester/, /set at admission and cannot be changed/],
  },
  {
    kind: 'Goal',
    why: 'removing the requester',
    before: { requester: { username: 'alice', groups: ['developers'] } },
    patch: { requester: null },
    says: [/set at admission and cannot be removed/],
  },
  {
    kind: 'Remediation',
    why: 'changing the requester',
    before: { requester: { username: 'alice', groups: [] } },
    patch: { requester: { username: 'bob', groups: [] } },
    says: [/spec\.requester/, /set at admission and cannot be changed/],
  },
  {
    kind: 'PipelineRun',
    why: 'changing the revision of a run',
    patch: { revision: '0000000' },
    says: [/spec: Invalid value/, /cannot be changed, except to set spec.status: Cancelled/],
  },
  {
    kind: 'PipelineRun',
    why: 'taking a cancel back',
    before: { status: 'Cancelled' },
    patch: { status: null },
    says: [/spec.status/, /a cancelled PipelineRun stays cancelled/],
  },
];

describe('admission rejects invalid objects with a message naming the field', () => {
  // the CRDs alone (schema and CEL), without Bosun's admission webhook in front of them
  const ns = useNamespace('validation', { webhook: false });

  it.each(Object.entries(valid))('accepts the valid base %s', (kind, spec) => {
    kubectlOk(['create', '-f', '-'], { namespace: ns(), input: manifest(kind as KindName, spec) });
  });

  it.each(createCases.map((c) => [c.kind, c.why, c] as const))('%s: %s', (_kind, _why, c) => {
    const res = kubectl(['create', '-f', '-'], { namespace: ns(), input: manifest(c.kind, c.spec) });
    expect(res.code, res.stdout).not.toBe(0);
    for (const pattern of c.says) expect(res.stderr).toMatch(pattern);
  });

  it.each(updateCases.map((c) => [c.kind, c.why, c] as const))('%s update: %s', (_kind, _why, c) => {
    const body = manifest(c.kind, valid[c.kind]);
    const name = (JSON.parse(body) as { metadata: { name: string } }).metadata.name;
    const resource = `${c.kind.toLowerCase()}/${name}`;
    kubectlOk(['create', '-f', '-'], { namespace: ns(), input: body });
    for (const before of [c.before ?? []].flat())
      kubectlOk(['patch', resource, '--type=merge', '-p', JSON.stringify({ spec: before })], { namespace: ns() });
    const res = kubectl(['patch', resource, '--type=merge', '-p', JSON.stringify({ spec: c.patch })], {
      namespace: ns(),
    });
    expect(res.code, res.stdout).not.toBe(0);
    for (const pattern of c.says) expect(res.stderr).toMatch(pattern);
  });

  it('has at least three rejected objects for every kind', () => {
    const perKind = new Map<string, number>();
    for (const c of [...createCases, ...updateCases]) perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
    for (const kind of Object.keys(valid)) expect(perKind.get(kind), kind).toBeGreaterThanOrEqual(3);
  });
});
