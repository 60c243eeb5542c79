// Counting the puts into Bosun's etcd during a window, by what the key is
// (e2e-count.ts's etcdKind), and the action-log entries by action: a watch on
// the whole /bosun/v1/ prefix from the moment it is opened.
import { Etcd3 } from 'etcd3';
import { KEY_PREFIX } from '../../../src/store/state-store.js';
import { etcdKind, tally } from './e2e-count.js';

export interface EtcdPuts {
  byKind: Record<string, number>;
  actions: Record<string, number>;
  stop(): Promise<void>;
}

export async function countEtcdPuts(url: string): Promise<EtcdPuts> {
  const client = new Etcd3({ hosts: [url] });
  const byKind: Record<string, number> = {};
  const actions: Record<string, number> = {};
  const watcher = await client.watch().prefix(`${KEY_PREFIX}/`).create();
  watcher.on('put', (kv) => {
    const kind = etcdKind(kv.key.toString());
    tally(byKind, kind);
    if (kind !== 'action log') return;
    try {
      tally(actions, String((JSON.parse(kv.value.toString()) as { action?: unknown }).action ?? '?'));
    } catch {
      tally(actions, '?');
    }
  });
  return {
    byKind,
    actions,
    stop: async () => {
      await watcher.cancel();
      client.close();
    },
  };
}
