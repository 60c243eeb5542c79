// The values of one Secret in the operator's namespace, read at start and every
// minute after (so a rotated value works without a restart), each registered
// with the log's masker before it is used. Values shorter than `minLength`
// count as none. Alertmanager's bearer tokens and the runners' keys are read so.
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { KubeClient } from '../kube/client.js';
import { core } from '../kube/resources.js';
import type { Logger, SecretSink } from '../telemetry/logger.js';

export const SECRET_REFRESH_MS = 60_000;

export interface SecretValues {
  /** the first read, done (or failed, and logged) */
  ready: Promise<void>;
  /** key → value; undefined until the Secret was read once */
  current(): Readonly<Record<string, string>> | undefined;
  stop(): void;
}

export function secretValues(
  client: KubeClient,
  ref: { namespace: string; name: string },
  opts: { secrets: SecretSink; log: Logger; minLength: number; what: string },
): SecretValues {
  let values: Record<string, string> | undefined;
  const secret = `${ref.namespace}/${ref.name}`;
  const read = async () => {
    try {
      const s = await client.tryGet<KubeObject & { data?: Record<string, string> }>(
        core.secrets,
        ref.namespace,
        ref.name,
      );
      const next: Record<string, string> = {};
      for (const [k, v] of Object.entries(s?.data ?? {})) {
        const value = Buffer.from(v, 'base64').toString('utf8').trim();
        if (value.length < opts.minLength) continue; // a short value is as good as none
        opts.secrets.add(value);
        next[k] = value;
      }
      values = next;
      if (!Object.keys(next).length)
        opts.log.warn({ secret }, `the ${opts.what} Secret holds no value of ${opts.minLength}+ characters`);
    } catch (err) {
      opts.log.warn({ secret, err: errorMessage(err) }, `could not read the ${opts.what} Secret`);
    }
  };
  const timer = setInterval(() => void read(), SECRET_REFRESH_MS);
  timer.unref();
  return { ready: read(), current: () => values, stop: () => clearInterval(timer) };
}
