// The cluster etcd's history, compacted at a moment the bench chooses. The API server asks etcd for a compaction
// every 5 minutes, up to the revision it saw 5 minutes before; one that lands in a measurement stalls writes there
// (744 ms once at 10,000 Goals) and falls on whichever contender is running. Compacting up to now before each
// contender's turn leaves the API server's own requests nothing to do (their revision is already compacted), and
// each turn starts on the same short history.
import { Etcd3 } from 'etcd3';

export async function compactClusterEtcd(etcdUrl: string): Promise<{ revision: number; ms: number }> {
  const client = new Etcd3({ hosts: etcdUrl });
  try {
    const started = performance.now();
    const { header } = await client.kv.range({ key: Buffer.from('/') });
    await client.kv.compact({ revision: header.revision, physical: true });
    return { revision: Number(header.revision), ms: performance.now() - started };
  } finally {
    client.close();
  }
}
