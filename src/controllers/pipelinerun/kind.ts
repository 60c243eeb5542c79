// The PipelineRun, as the plan engine knows it: its resource, status schema and
// phase names. Its plan is its stages; Running is the engine's executing.
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import { PipelineRunStatus } from '../../api/v1alpha1/pipeline-run.js';
import { PHASES, type SubjectKind } from '../../engine/subject.js';
import { bosunResource } from '../../kube/resources.js';

export const pipelineRunResource = bosunResource(kindInfo('PipelineRun'));
export const pipelineResource = bosunResource(kindInfo('Pipeline'));

export const pipelineRunKind: SubjectKind<PipelineRunStatus> = {
  kind: 'PipelineRun',
  resource: pipelineRunResource,
  status: PipelineRunStatus,
  phases: { ...PHASES, planning: 'Pending', executing: 'Running' },
  warningPhases: ['Failed', 'Denied', 'Stalled', 'Refused'],
  approvalLabel: 'bosun.dev/pipelinerun',
};
