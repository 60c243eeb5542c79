// The Plan agent: a PipelineRun's plan is its Pipeline's stages, one
// pipeline.stage step each (the main stages, then the finally stages), each
// with what it runs, where, for how long and as whom. The plan goes through
// risk, policy, approval and the requester's authority like any other; the
// run then starts each stage when the stages it depends on have succeeded.
import type { ExecutionStep } from '../../api/v1alpha1/plan.js';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import type { Pipeline, Stage } from '../../api/v1alpha1/pipeline.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import { planRisk } from '../../policy/risk.js';
import type { StageBackends, StageParams } from '../../tools/pipeline/stage.js';
import { operatorStage, stageTool } from '../../tools/pipeline/stage.js';
import type { AnyTool } from '../../tools/tool.js';
import type { Agent, PlanInput, Proposal } from '../agent.js';
import { cycleIn } from './dag.js';

export interface PipelineFacts {
  pipeline: Pipeline;
}

/** A stage's step, with the Pipeline's defaults filled in. */
export function stageStep(run: PipelineRun, pipeline: Pipeline, stage: Stage, isFinally: boolean): ExecutionStep {
  const runOn = stage.runOn ?? pipeline.spec.runOn;
  const params: Omit<StageParams, 'attempt' | 'cancel'> = {
    run: { name: run.metadata.name, uid: run.metadata.uid ?? '' },
    pipeline: pipeline.metadata.name,
    revision: run.spec.revision,
    stage: stage.name,
    agent: stage.agent,
    runOn,
    ...(stage.checkout && { source: { repo: pipeline.spec.source.repo, revision: run.spec.revision } }),
    image: stage.image,
    command: stage.command,
    timeoutSeconds: stage.timeoutSeconds,
    network: stage.network,
    serviceAccountToken: stage.serviceAccountToken,
    resources: stage.resources,
    serviceAccountName: pipeline.spec.executor.serviceAccountName,
    dependsOn: stage.dependsOn,
    finally: isFinally,
    retry: stage.retry ?? pipeline.spec.retry,
    ...(stage.agent === 'build' && pipeline.spec.build && { imageRepository: pipeline.spec.build.image }),
    ...(stage.agent === 'security' && { securityThreshold: pipeline.spec.securityThreshold }),
    ...(stage.agent === 'deploy' && pipeline.spec.deploy && { deploy: pipeline.spec.deploy }),
    ...(stage.agent === 'report' && {
      notify: pipeline.spec.notify,
      ...(pipeline.spec.source.github && { github: pipeline.spec.source.github }),
    }),
  };
  const own = operatorStage(params);
  const where =
    own === 'deploy'
      ? `a Goal that deploys the built image to ${pipeline.spec.deploy?.target} in ${pipeline.spec.deploy?.namespace}`
      : own === 'report'
        ? `a report to ${pipeline.spec.notify.map((n) => n.type).join(', ') || 'no notify target'}`
        : runOn === 'cluster'
          ? `a Job running ${stage.image ?? 'its image'}`
          : 'a sandboxed runner command';
  const what = stage.command?.length ? `: ${stage.command.join(' ')}` : own ? '' : ` (the ${stage.agent} agent's)`;
  return {
    tool: 'pipeline.stage',
    params: JSON.parse(JSON.stringify(params)) as Record<string, unknown>,
    description: `${isFinally ? 'finally stage' : 'stage'} ${stage.name} (${stage.agent}) as ${where}${what}`.slice(
      0,
      1024,
    ),
    reasoning: stage.dependsOn.length
      ? `runs once ${stage.dependsOn.join(', ')} succeeded`
      : isFinally
        ? 'runs after the other stages, whatever happened'
        : 'depends on no other stage',
    risk: 'low',
    when: 'always',
  };
}

export class PipelineAgent implements Agent<PipelineRun, PipelineFacts> {
  readonly name = 'pipeline';

  constructor(private readonly backends: StageBackends) {}

  async plan({ subject, facts }: PlanInput<PipelineRun, PipelineFacts>): Promise<Proposal> {
    const { pipeline } = facts;
    for (const [field, stages] of [
      ['spec.stages', pipeline.spec.stages],
      ['spec.finally', pipeline.spec.finally],
    ] as const) {
      const cycle = cycleIn(stages);
      if (cycle)
        return {
          stall: {
            reason: PipelineReason.StageCycle,
            message: `Pipeline ${pipeline.metadata.name}'s ${field} wait for each other in a loop (${cycle.join(
              ' → ',
            )}): change a dependsOn so that the stages form a DAG`,
          },
        };
    }
    const steps = [
      ...pipeline.spec.stages.map((s) => stageStep(subject, pipeline, s, false)),
      ...pipeline.spec.finally.map((s) => stageStep(subject, pipeline, s, true)),
    ];
    const names = pipeline.spec.stages.map((s) => s.name).join(', ');
    return {
      plan: {
        steps,
        risk: planRisk(steps),
        reasoning: `Pipeline ${pipeline.metadata.name} at ${subject.spec.revision}: ${names}`.slice(0, 4096),
      },
      playbook: 'stages',
    };
  }

  tools(): AnyTool[] {
    return [stageTool(this.backends)] as unknown as AnyTool[];
  }
}
