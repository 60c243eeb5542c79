// What a report stage needs of its requester: `get` on each Secret its notify
// targets name. The report sends a Secret's value (a webhook URL, a token) to
// a place the Pipeline names (a GitHub apiUrl), so a run may use only Secrets
// its requester could read themselves: else a Pipeline's author could send a
// Secret they cannot read to a URL they control.
import type { AccessAttributes } from '../../kube/access.js';
import { core } from '../../kube/resources.js';
import { need } from '../kubernetes/write-call.js';
import type { NotifyTarget } from '../../api/v1alpha1/pipeline.js';

export function notifyAccess(
  params: { notify?: readonly Pick<NotifyTarget, 'secretRef'>[] },
  namespace: string,
): AccessAttributes[] {
  const names = [...new Set((params.notify ?? []).map((t) => t.secretRef.name))];
  return names.map((name) => need('get', core.secrets, namespace, name));
}
