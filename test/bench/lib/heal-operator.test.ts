import { describe, expect, it } from 'vitest';
import { operatorFigures, samples, total } from './heal-operator.js';

const text = `# HELP bosun_reconcile_total Reconciles
# TYPE bosun_reconcile_total counter
bosun_reconcile_total{controller="remediation",result="success"} 300
bosun_reconcile_total{controller="remediation",result="requeue"} 120
bosun_reconcile_total{controller="remediation",result="error"} 0
bosun_reconcile_total{controller="goal",result="success"} 7
bosun_reconcile_duration_seconds_sum{controller="remediation"} 21
bosun_reconcile_duration_seconds_count{controller="remediation"} 420
bosun_workqueue_queue_duration_seconds_sum{name="remediation"} 840
bosun_workqueue_queue_duration_seconds_count{name="remediation"} 420
bosun_workqueue_retries_total{name="remediation"} 3
bosun_kube_requests_total{verb="GET",code="200"} 1000
bosun_kube_requests_total{verb="PATCH",code="429"} 4
bosun_kube_requests_total{verb="POST",code="0"} 1
bosun_store_operations_total{op="put",result="ok"} 50
bosun_store_operations_total{op="get",result="error"} 2
process_cpu_seconds_total 93.5
`;

describe('samples and total', () => {
  it('reads names, labels and values, and leaves comments out', () => {
    expect(samples(text)[0]).toEqual({
      name: 'bosun_reconcile_total',
      labels: { controller: 'remediation', result: 'success' },
      value: 300,
    });
    expect(samples('# HELP x y\nup 1')).toEqual([{ name: 'up', labels: {}, value: 1 }]);
  });

  it('sums the samples whose labels match', () => {
    expect(total(text, 'bosun_kube_requests_total')).toBe(1005);
    expect(total(text, 'bosun_kube_requests_total', { code: '429' })).toBe(4);
    expect(total(text, 'missing')).toBe(0);
  });
});

describe('operatorFigures', () => {
  it("takes the controller's reconciles, their mean time and its queue's mean wait", () => {
    expect(operatorFigures(text, 'remediation')).toEqual({
      reconciles: { success: 300, requeue: 120 },
      reconcileMs: 50,
      queueWaitMs: 2000,
      retries: 3,
      apiRequests: 1005,
      apiThrottled: 4,
      apiUnanswered: 1,
      storeErrors: 2,
      cpuSeconds: 93.5,
    });
  });
});
