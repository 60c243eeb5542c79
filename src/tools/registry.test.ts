import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasCode } from '../api/errors.js';
import type { KubeClient } from '../kube/client.js';
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
