// The Goal, as the plan engine knows it: its resource, status schema and
// phase names.
import { GoalStatus } from '../../api/v1alpha1/goal.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import type { SubjectKind } from '../../engine/subject.js';
import { bosunResource } from '../../kube/resources.js';

export const goalResource = bosunResource(kindInfo('Goal'));

export const goalKind: SubjectKind<GoalStatus> = {
  kind: 'Goal',
  resource: goalResource,
  status: GoalStatus,
  phases: {
    awaitingApproval: 'AwaitingApproval',
    executing: 'Executing',
    succeeded: 'Succeeded',
    planned: 'Planned',
    failed: 'Failed',
    denied: 'Denied',
    pending: 'Pending',
    stalled: 'Stalled',
  },
  warningPhases: ['Failed', 'Denied', 'Stalled'],
  approvalLabel: 'bosun.dev/goal',
};
