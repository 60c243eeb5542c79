import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import type { PendingApproval } from './work-metrics.js';

describe('the scrape-time gauges', () => {
  it('show nothing until a reader is set', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^bosun_approval_waiting_seconds\{/m);
    expect(text).not.toMatch(/^bosun_objects\{/m);
    expect(text).not.toMatch(/^bosun_llm_budget_used\{/m);
  });

  it('read their source at each scrape: a decided Approval is gone from the next one', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let pending: PendingApproval[] = [
      { namespace: 'demo', name: 'scale-web-big-1a2b', waitingSeconds: 1900, ttlSeconds: 3600 },
      { namespace: 'demo', name: 'cache-oom-3c4d', waitingSeconds: 10, ttlSeconds: 3600 },
    ];
    metrics.scrape.approvals = () => pending;
    const first = await metrics.registry.metrics();
    expect(first).toContain('bosun_approval_waiting_seconds{namespace="demo",name="scale-web-big-1a2b"} 1900');
    expect(first).toContain('bosun_approval_ttl_seconds{namespace="demo",name="cache-oom-3c4d"} 3600');
    pending = pending.slice(1);
    const second = await metrics.registry.metrics();
    expect(second).not.toContain('scale-web-big-1a2b');
    expect(second).toContain('bosun_approval_waiting_seconds{namespace="demo",name="cache-oom-3c4d"} 10');
  });

  it('count objects by kind and phase from each kind that set a reader', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.scrape.phases.set('Remediation', () => [
      { phase: 'Healed', count: 3 },
      { phase: 'Escalated', count: 1 },
    ]);
    metrics.scrape.phases.set('Goal', () => [{ phase: 'Succeeded', count: 2 }]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('bosun_objects{kind="Remediation",phase="Healed"} 3');
    expect(text).toContain('bosun_objects{kind="Remediation",phase="Escalated"} 1');
    expect(text).toContain('bosun_objects{kind="Goal",phase="Succeeded"} 2');
  });
});
