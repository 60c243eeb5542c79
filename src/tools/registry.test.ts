import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasCode } from '../api/errors.js';
import type { KubeClient } from '../kube/client.js';
import { kubernetesTools } from './kubernetes/index.js';
import { ToolRegistry, type CallRecord, type Gate } from './registry.js';
import { defineTool, type AnyTool, type ToolContext } from './tool.js';

const seen: { dryRun: boolean; params: unknown }[] = [];
const scale = defineTool({
  name: 'k8s.scale',
  description: 'test',
  params: z.object({ target: z.string(), replicas: z.int().min(0) }),
  risk: 'low',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, params) {
    seen.push({ dryRun: ctx.dryRun, params });
    return { summary: `scaled to ${params.replicas}` };
  },
});
const get = defineTool({
  name: 'k8s.get',
  description: 'test',
  params: z.object({ apiToken: z.string().optional() }),
  risk: 'none',
  effect: 'read',
  reversible: true,
  execute: async (ctx) => ({ summary: `read, dryRun=${ctx.dryRun}` }),
});
const boom = defineTool({
  name: 'k8s.boom',
  description: 'test',
  params: z.object({}),
  risk: 'none',
  effect: 'read',
  reversible: true,
  execute: async () => {
    throw new Error('forbidden: cannot get pods');
  },
});

const ctx = {
  client: {} as KubeClient,
  reader: {} as KubeClient,
  mapper: { resolve: () => Promise.reject(new Error('no discovery in unit tests')) },
  namespace: 'ns',
  idempotencyKey: 'k',
  stepStartedAt: '2026-01-01T00:00:00Z',
} satisfies Omit<ToolContext, 'dryRun'>;
const open: Gate = { denylist: [], allowChanges: true };

const setup = () => {
  const records: CallRecord[] = [];
  const registry = new ToolRegistry([scale, get, boom] as unknown as AnyTool[], async (r) => void records.push(r));
  return { registry, records };
};

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'none',
    (e: unknown) => (hasCode(e, 'BOSUN_ERR_TOOL_PARAMS') ? 'BOSUN_ERR_TOOL_PARAMS' : (e as { code?: string }).code),
  );

describe('ToolRegistry', () => {
  it.each([
    { why: 'an unknown tool', step: { tool: 'k8s.teleport', params: {} }, gate: open, code: 'BOSUN_ERR_TOOL_UNKNOWN' },
    {
      why: 'a tool outside the Goal allowlist',
      step: { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 1 } },
      gate: { ...open, allowlist: ['k8s.get'] },
      code: 'BOSUN_ERR_TOOL_NOT_ALLOWED',
    },
    {
      why: 'a tool the policy denies',
      step: { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 1 } },
      gate: { ...open, denylist: ['k8s.scale'] },
      code: 'BOSUN_ERR_TOOL_DENIED',
    },
    {
      why: 'params of the wrong type',
      step: { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 'three' } },
      gate: open,
      code: 'BOSUN_ERR_TOOL_PARAMS',
    },
  ])('refuses $why with $code', async ({ step, gate, code }) => {
    const { registry } = setup();
    expect(await codeOf(registry.invoke(step, gate, ctx))).toBe(code);
  });

  it('names the bad parameter', () => {
    const { registry } = setup();
    expect(() =>
      registry.check({ tool: 'k8s.scale', params: { target: 'deployment/web', replicas: -1 } }, open),
    ).toThrow(/parameter replicas:/);
  });

  it('turns a mutating call into a dry-run when changes are not allowed, but not a read', async () => {
    const { registry } = setup();
    seen.length = 0;
    await registry.invoke(
      { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 3 } },
      { ...open, allowChanges: false },
      ctx,
    );
    expect(seen[0]?.dryRun).toBe(true);
    expect(
      (await registry.invoke({ tool: 'k8s.get', params: {} }, { ...open, allowChanges: false }, ctx)).summary,
    ).toBe('read, dryRun=false');
  });

  it('records each call with secrets masked; a failure becomes BOSUN_ERR_TOOL_FAILED', async () => {
    const { registry, records } = setup();
    await registry.invoke({ tool: 'k8s.get', params: { apiToken: 'sk-secret-value' } }, open, ctx);
    expect(await codeOf(registry.invoke({ tool: 'k8s.boom', params: {} }, open, ctx))).toBe('BOSUN_ERR_TOOL_FAILED');
    expect(records.map((r) => [r.tool, r.outcome])).toEqual([
      ['k8s.get', 'succeeded'],
      ['k8s.boom', 'failed'],
    ]);
    expect(JSON.stringify(records)).not.toContain('sk-secret-value');
    expect(records[1]?.summary).toContain('forbidden');
  });
});

describe('ToolRegistry.normalize', () => {
  it('gives the step back with its params as the tool parsed them (defaults filled in)', () => {
    const registry = new ToolRegistry(kubernetesTools());
    const step = { tool: 'k8s.delete', params: { target: 'deploy/web' }, description: 'd', risk: 'high' as const };
    expect(registry.normalize(step, open)).toEqual({
      ...step,
      params: { target: 'deploy/web', propagationPolicy: 'Background' },
    });
  });
});

describe('the Kubernetes tools take their params exactly as their schemas parse them', () => {
  const registry = new ToolRegistry(kubernetesTools());
  const valid: Record<string, Record<string, unknown>> = {
    'k8s.get': { target: 'deployment/web' },
    'k8s.list': { kind: 'pods' },
    'k8s.describe': { target: 'pod/web-1' },
    'k8s.logs': { pod: 'web-1', container: 'app' },
    'k8s.events': {},
    'k8s.apply': { manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
    'k8s.patch': { target: 'configmap/a', patch: { data: { k: 'v' } } },
    'k8s.scale': { target: 'statefulset/db', replicas: 2 },
    'k8s.rollout-restart': { target: 'ds/agent' },
    'k8s.rollout-undo': { target: 'deployment/web', toRevision: 3 },
    'k8s.set-image': { target: 'deployment/web', container: 'app', image: 'registry.example.com/web:1.2' },
    'k8s.set-memory': { target: 'deployment/web', container: 'app', limit: '768Mi' },
    'k8s.delete': { target: 'service/web' },
    'k8s.wait-for-condition': { target: 'deployment/web' },
  };
  const check = (tool: string, params: Record<string, unknown>) => () => registry.check({ tool, params }, open);

  it('covers every tool', () => {
    expect(Object.keys(valid).sort()).toEqual(
      registry
        .list()
        .map((t) => t.name)
        .sort(),
    );
  });

  it.each(Object.entries(valid))('%s accepts valid params and refuses an extra key', (tool, params) => {
    expect(check(tool, params)).not.toThrow();
    expect(check(tool, { ...params, note: 'extra' })).toThrow(
      /BOSUN_ERR_TOOL_PARAMS.*note|BOSUN_ERR_TOOL_PARAMS.*\(params\)/,
    );
  });

  it.each(registry.list().map((t) => [t.name, t] as const))('%s bounds every string param', (_name, tool) => {
    const schema = z.toJSONSchema(tool.params as z.ZodType, { io: 'input', unrepresentable: 'any' }) as {
      additionalProperties?: unknown;
      properties?: Record<string, { type?: string; maxLength?: number; enum?: unknown[] }>;
    };
    expect(schema.additionalProperties).toBe(false);
    for (const [key, p] of Object.entries(schema.properties ?? {}))
      if (p.type === 'string' && !p.enum) expect(p.maxLength, key).toBeGreaterThan(0); // an enum bounds itself
  });

  it.each([
    {
      why: 'scale on a kind with no scale subresource',
      tool: 'k8s.scale',
      params: { target: 'daemonset/a', replicas: 1 },
    },
    { why: 'scale on a pod', tool: 'k8s.scale', params: { target: 'pod/a', replicas: 1 } },
    { why: 'rollout-restart on a pod', tool: 'k8s.rollout-restart', params: { target: 'pod/web-1' } },
    { why: 'rollout-restart on a service', tool: 'k8s.rollout-restart', params: { target: 'svc/web' } },
    { why: 'rollout-undo on a statefulset', tool: 'k8s.rollout-undo', params: { target: 'sts/db', toRevision: 1 } },
    { why: 'set-image on a configmap', tool: 'k8s.set-image', params: { target: 'cm/a', container: 'a', image: 'x' } },
    { why: 'wait for a rollout of a job', tool: 'k8s.wait-for-condition', params: { target: 'job/migrate' } },
    { why: 'a kind Bosun does not know', tool: 'k8s.get', params: { target: 'secret/db' } },
    { why: 'listing a kind Bosun does not know', tool: 'k8s.list', params: { kind: 'secrets' } },
    { why: 'a name too long', tool: 'k8s.delete', params: { target: `pod/${'a'.repeat(254)}` } },
    {
      why: 'an image with an escape',
      tool: 'k8s.set-image',
      params: { target: 'deploy/w', container: 'a', image: 'x\u001b[8m' },
    },
    { why: 'a container name with spaces', tool: 'k8s.logs', params: { pod: 'web-1', container: 'app; rm' } },
  ])('refuses $why when the plan is checked', ({ tool, params }) => {
    expect(check(tool, params)).toThrow(/BOSUN_ERR_TOOL_PARAMS/);
  });
});

describe('tools describe what they touch, so that no caller names a tool', () => {
  const tools = kubernetesTools();
  const registry = new ToolRegistry(tools);
  const target = { replicas: 4 };
  it.each([
    { step: { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 10 } }, want: { objects: 1, pods: 6 } },
    { step: { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 1 } }, want: { objects: 1, pods: 3 } },
    { step: { tool: 'k8s.rollout-restart', params: { target: 'deployment/web' } }, want: { objects: 1, pods: 4 } },
    {
      step: { tool: 'k8s.set-image', params: { target: 'deployment/web', container: 'web', image: 'web:2' } },
      want: { objects: 1, pods: 4 },
    },
    {
      step: { tool: 'k8s.rollout-undo', params: { target: 'deployment/web', toRevision: 2 } },
      want: { objects: 1, pods: 4 },
    },
    { step: { tool: 'k8s.delete', params: { target: 'deployment/web' } }, want: { objects: 1, pods: 4 } },
    { step: { tool: 'k8s.apply', params: { manifest: 'a: 1\n---\nb: 2\n---\n' } }, want: { objects: 2, pods: 0 } },
    { step: { tool: 'k8s.get', params: { target: 'deployment/web' } }, want: { objects: 1, pods: 0 } },
    // bad params: no throw
    { step: { tool: 'k8s.scale', params: { replicas: 'many' } }, want: { objects: 1, pods: 0 } },
  ])('$step.tool touches $want', ({ step, want }) => {
    expect(registry.impact(step, target)).toEqual(want);
  });

  it('says which calls a plan-only run skips and which may create what later steps act on', () => {
    expect(tools.filter((t) => registry.skippedInPlanOnly(t.name)).map((t) => t.name)).toEqual([
      'k8s.wait-for-condition',
    ]);
    expect(tools.filter((t) => registry.creates(t.name)).map((t) => t.name)).toEqual(['k8s.apply']);
  });
});

describe('tools write their own undo, from the target as it was', () => {
  const registry = new ToolRegistry(kubernetesTools());
  const web = {
    kind: 'deployment',
    name: 'web',
    replicas: 2,
    revision: 7,
    containers: [{ name: 'web', image: 'web:1' }],
  };
  it.each([
    {
      step: { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 5 } },
      want: { tool: 'k8s.scale', params: { target: 'deployment/web', replicas: 2 }, description: 'scale back to 2' },
    },
    {
      step: { tool: 'k8s.set-image', params: { target: 'deployment/web', container: 'web', image: 'web:2' } },
      want: {
        tool: 'k8s.set-image',
        params: { target: 'deployment/web', container: 'web', image: 'web:1' },
        description: "set web's image back to web:1",
      },
    },
    {
      step: { tool: 'k8s.rollout-undo', params: { target: 'deployment/web', toRevision: 5 } },
      want: {
        tool: 'k8s.rollout-undo',
        params: { target: 'deployment/web', toRevision: 7 },
        description: 'roll forward again to revision 7',
      },
    },
  ])('$step.tool', ({ step, want }) => {
    expect(registry.undo(step, web)).toEqual(want);
  });

  it.each([
    { why: 'another workload', step: { tool: 'k8s.scale', params: { target: 'deployment/api', replicas: 5 } } },
    { why: 'another kind', step: { tool: 'k8s.scale', params: { target: 'statefulset/web', replicas: 5 } } },
    { why: 'a delete', step: { tool: 'k8s.delete', params: { target: 'deployment/web' } } },
    { why: 'a restart', step: { tool: 'k8s.rollout-restart', params: { target: 'deployment/web' } } },
    {
      why: 'an unknown container',
      step: { tool: 'k8s.set-image', params: { target: 'deployment/web', container: 'x', image: 'y:1' } },
    },
    { why: 'bad params', step: { tool: 'k8s.scale', params: { replicas: 'many' } } },
  ])('none for $why', ({ step }) => {
    expect(registry.undo(step, web)).toBeUndefined();
    expect(registry.undo(step, undefined)).toBeUndefined();
  });
});
