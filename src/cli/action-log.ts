// Bosun's action log as `kubectl bosun logs` reads it: straight from Bosun's etcd (the
// endpoints the user gives), every entry of one object, oldest first, as the JSON lines the
// store exports.
import { EtcdStateStore } from '../store/etcd-store.js';

export const NO_ENDPOINTS = "logs reads Bosun's etcd: pass --etcd-endpoints or set BOSUN_ETCD_ENDPOINTS";

export async function actionLines(
  key: { kind: string; namespace: string; name: string },
  endpoints: string,
): Promise<string[]> {
  const store = new EtcdStateStore({ endpoints: endpoints.split(','), retryBudgetMs: 3000 });
  try {
    const lines: string[] = [];
    for await (const line of store.exportActions(key)) lines.push(line);
    return lines;
  } finally {
    await store.close();
  }
}
