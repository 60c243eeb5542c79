// Read-only evidence for the model, gathered with the read tools: recent
// Events, the workloads and their state. It is returned as read (structured,
// uncut): the caller redacts it by field and by pattern first, then encodes and
// cuts it, and it goes into the prompt as fenced data.
import { errorMessage } from '../../api/errors.js';

/** What one read found, before redaction. */
export interface GatheredEvidence {
  source: string;
  value: unknown;
}
import type { ToolRegistry } from '../../tools/registry.js';
import type { ToolContext } from '../../tools/tool.js';

const READS: { tool: string; params: Record<string, unknown>; source: string }[] = [
  { tool: 'k8s.events', params: {}, source: 'k8s.events (namespace)' },
  { tool: 'k8s.list', params: { kind: 'deployment' }, source: 'k8s.list deployments' },
  { tool: 'k8s.list', params: { kind: 'pod' }, source: 'k8s.list pods' },
];

export async function gatherEvidence(
  registry: ToolRegistry,
  clients: Pick<ToolContext, 'client' | 'reader' | 'mapper'>,
  namespace: string,
): Promise<GatheredEvidence[]> {
  const out: GatheredEvidence[] = [];
  for (const read of READS) {
    try {
      const r = await registry.invoke(
        read,
        { denylist: [], allowChanges: false },
        { ...clients, namespace, idempotencyKey: `evidence/${read.source}`, stepStartedAt: new Date().toISOString() },
      );
      out.push({ source: read.source, value: { summary: r.summary, data: r.data ?? {} } });
    } catch (err) {
      out.push({ source: read.source, value: `could not read: ${errorMessage(err)}` });
    }
  }
  return out;
}
