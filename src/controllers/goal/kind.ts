// The Goal, as the plan engine knows it: its resource, status schema and
// phase names.
import { GoalStatus } from '../../api/v1alpha1/goal.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import { PHASES, type SubjectKind } from '../../engine/subject.js';
import { bosunResource } from '../../kube/resources.js';

export const goalResource = bosunResource(kindInfo('Goal'));

export const goalKind: SubjectKind<GoalStatus> = {
  kind: 'Goal',
  resource: goalResource,
  status: GoalStatus,
  phases: PHASES,
  warningPhases: ['Failed', 'Denied', 'Stalled'],
  approvalLabel: 'bosun.dev/goal',
};
