// The tools a model is offered, with their JSON Schemas: only those the
// subject's allowlist, the RiskPolicy's allow list and both deny lists let through.
import { z } from 'zod';
import type { EffectivePolicy } from '../../policy/decision.js';
import type { Gate, ToolRegistry } from '../../tools/registry.js';

export function offeredTools(registry: ToolRegistry, gate: Gate, policy: EffectivePolicy) {
  const allow = policy.spec.tools.allow;
  return registry
    .list()
    .filter(
      (t) =>
        (!gate.allowlist || gate.allowlist.includes(t.name)) &&
        (!allow || allow.includes(t.name)) &&
        !gate.denylist.includes(t.name) &&
        !policy.spec.tools.deny.includes(t.name),
    )
    .map((t) => ({
      name: t.name,
      description: t.description,
      params: z.toJSONSchema(t.params as z.ZodType, {
        target: 'draft-7',
        io: 'input',
        unrepresentable: 'any',
      }) as Record<string, unknown>,
    }));
}
