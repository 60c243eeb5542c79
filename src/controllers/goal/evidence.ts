// Read-only evidence for the model, gathered with the read tools: recent
// Events, the workloads and their state. It goes into the prompt as data.
import { errorMessage } from '../../api/errors.js';
import type { Evidence } from '../../llm/prompt.js';
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
): Promise<Evidence[]> {
  const out: Evidence[] = [];
  for (const read of READS) {
    try {
      const r = await registry.invoke(
        read,
        { denylist: [], allowChanges: false },
        { ...clients, namespace, idempotencyKey: `evidence/${read.source}`, stepStartedAt: new Date().toISOString() },
      );
      out.push({ source: read.source, text: `${r.summary}\n${JSON.stringify(r.data ?? {})}`.slice(0, 8000) });
    } catch (err) {
      out.push({ source: read.source, text: `could not read: ${errorMessage(err)}` });
    }
  }
  return out;
}
