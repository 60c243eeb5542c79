// Every credential format, through every sink of the model path.
import { describe, expect, it } from 'vitest';
import type { ModelClient, PlanCall } from '../../llm/model.js';
import { FORMATS } from '../../redact/formats.testdata.js';
import { MemoryStateStore } from '../../store/memory-store.js';
import { SecretMasker } from '../../telemetry/logger.js';
import type { GatheredEvidence } from './evidence.js';
import { planWithModel } from './plan.js';
import { cluster, goal, input, model, scalePlan } from './plan.testkit.js';

describe('planWithModel redaction', () => {
  it('redacts evidence by field and by pattern before it is encoded and cut, so a cut cannot let a secret through', async () => {
    const masker = new SecretMasker();
    const { calls, client: m } = model(masker);
    const pem = [
      '-----BEGIN RSA PRIVATE KEY-----',
      ...Array.from({ length: 200 }, () => 'A'.repeat(64)),
      '-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const evidence = async (): Promise<GatheredEvidence[]> => [
      { source: 'k8s.get configmap/app', value: { data: { 'db.password': 'hunter2-correct-horse', key: pem } } },
      { source: 'k8s.logs pod/web-1', value: 'connecting with password="s3cret-value-here"' },
    ];
    await planWithModel(input({ client: cluster(), goal: goal('r1'), secrets: masker, evidence, connect: () => m }));
    const prompt = calls[0]?.call.messages[0]?.content ?? '';
    expect(prompt).not.toMatch(/hunter2|s3cret-value-here|AAAAAAAAAAAAAAAA/);
    expect(prompt).toMatch(/REDACTED/);
  });

  describe.each(FORMATS.map((f, i) => ({ ...f, i })))('a $label', ({ text, secret, i }) => {
    const says = (plan: unknown) => ({
      input: {
        steps: [{ ...scalePlan.steps[0], description: `scale web; seen: ${text}`, reasoning: text }],
        risk: 'low',
        reasoning: `because ${text}`,
        ...(plan === 'garbage' && { steps: text }),
      },
      usage: { inputTokens: 10, outputTokens: 10 },
    });

    it('reaches no sink: not the prompt, the plan (status, Events, Approval), the cached record', async () => {
      const store = new MemoryStateStore();
      const calls: PlanCall[] = [];
      const m: ModelClient = { provider: 'anthropic', propose: async (call) => (calls.push(call), says('plan')) };
      const out = await planWithModel(
        input({
          client: cluster(),
          goal: goal(`sink-${i}`),
          secrets: new SecretMasker(),
          store,
          evidence: async () => [
            { source: 'k8s.logs pod/web-1', value: `line one\n${text}\nline three` },
            { source: 'k8s.get configmap/app', value: { data: { note: text } } },
          ],
          connect: () => m,
        }),
      );
      expect('plan' in out).toBe(true);
      for (const sink of [JSON.stringify(calls), JSON.stringify(out), JSON.stringify([...store.data.values()])])
        expect(sink).not.toContain(secret);
    });

    it("reaches no sink from a rejected answer (the action log keeps the model's answers)", async () => {
      const m: ModelClient = { provider: 'anthropic', propose: async () => says('garbage') };
      const out = await planWithModel(
        input({ client: cluster(), goal: goal(`sink-bad-${i}`), secrets: new SecretMasker(), connect: () => m }),
      );
      expect(out).toMatchObject({ stall: { reason: 'InvalidPlan' } });
      expect(JSON.stringify(out)).not.toContain(secret);
    });
  });
});
