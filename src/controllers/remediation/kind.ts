// The Remediation, as the plan engine knows it: its resource, status schema and
// phase names. A heal that ran is Verifying (not yet Healed); a heal that was
// denied or failed is Escalated, for a person to take over.
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import { RemediationStatus } from '../../api/v1alpha1/remediation.js';
import { PHASES, type SubjectKind } from '../../engine/subject.js';
import { bosunResource } from '../../kube/resources.js';

export const remediationResource = bosunResource(kindInfo('Remediation'));

export const remediationKind: SubjectKind<RemediationStatus> = {
  kind: 'Remediation',
  resource: remediationResource,
  status: RemediationStatus,
  phases: {
    ...PHASES,
    planning: 'Diagnosing',
    executing: 'Healing',
    succeeded: 'Verifying',
    failed: 'Escalated',
    denied: 'Escalated',
  },
  warningPhases: ['Failed', 'Escalated', 'Stalled'],
  approvalLabel: 'bosun.dev/remediation',
  // one Remediation heals its issue again when it comes back: each heal is a run of its own
  run: (status) => (status.heals?.length ? `@${status.heals.at(-1)?.at}` : ''),
};
