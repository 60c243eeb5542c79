// A watch that keeps going: the API server ends a watch after a while, and a
// bench must not stop seeing objects because of that. Every object of each
// event goes to `onObject`, with the moment it arrived (ms since the epoch).
import type { KubeClient } from '../../../src/kube/client.js';
import { resourcePath, type Resource } from '../../../src/kube/resources.js';
import { sleep } from '../../../src/runtime/backoff.js';

interface Versioned {
  metadata?: { resourceVersion?: string };
}

/** Watches `r` in `namespace` from now on; `stop` ends it. After an expired resourceVersion it lists again. */
export async function watchObjects<T>(
  client: KubeClient,
  r: Resource,
  namespace: string,
  onObject: (obj: T, at: number, type: string) => void,
): Promise<{ stop(): Promise<void> }> {
  const currentVersion = async () => (await client.listPage(r, { namespace, limit: 1 })).metadata.resourceVersion;
  let rv = await currentVersion();
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        await client.rest.watch(
          resourcePath(r, { namespace }),
          { resourceVersion: rv, allowWatchBookmarks: true },
          (ev) => {
            const obj = ev.object as T;
            rv = (obj as Versioned).metadata?.resourceVersion ?? rv;
            if (ev.type !== 'BOOKMARK') onObject(obj, Date.now(), ev.type);
          },
          abort.signal,
        );
      } catch {
        // 410 Gone or a dropped connection: what changed in between is not seen, the next events are
        if (abort.signal.aborted) break;
        await sleep(200);
        rv = await currentVersion().catch(() => rv);
      }
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
}
