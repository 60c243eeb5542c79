// The bearer tokens Alertmanager may send to /alertmanager: every value of one
// Secret in the operator's namespace (runtime/secret-values.ts), 16 characters
// or more, re-read every minute.
import { BosunError } from '../../api/errors.js';
import type { KubeClient } from '../../kube/client.js';
import { secretValues } from '../../runtime/secret-values.js';
import type { Logger, SecretSink } from '../../telemetry/logger.js';

export function alertTokens(
  client: KubeClient,
  ref: { namespace: string; name: string },
  secrets: SecretSink,
  log: Logger,
) {
  const values = secretValues(client, ref, { secrets, log, minLength: 16, what: 'alert intake' });
  return {
    ready: values.ready,
    /** the accepted tokens; throws until the Secret was read once (the intake answers 503 meanwhile) */
    current(): readonly string[] {
      const v = values.current();
      if (!v) throw new BosunError('BOSUN_ERR_INTAKE_UNAVAILABLE', 'the alert intake Secret was not read yet');
      return Object.values(v);
    },
    stop: values.stop,
  };
}
