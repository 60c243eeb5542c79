// The OOM playbook: a container killed for its memory gets a bounded raise of
// its limit (×1.5 by default), never above the policy's maximum nor the
// namespace's LimitRange max; at that cap already, a person decides. Pure.
import { formatMemory, MI, parseQuantity } from '../../tools/kubernetes/quantity.js';
import { DEFAULT_MEMORY_FACTOR, escalate, type Playbook } from './decision.js';
import { targetName } from './diagnose.js';
import type { WorkloadEvidence } from './evidence.js';
import { healPlanOf, step, waitSeconds, waitStep } from './steps.js';

/** OOM kills: raise the container's memory limit by a bounded factor, within the policy's and the namespace's max. */
export const raiseMemory: Playbook = (d, e, limits) => {
  const w = e.workload as WorkloadEvidence;
  const target = targetName(w);
  const oom = d.troubles.find((t) => t.kind === 'OOMKilled');
  const template = w.containers.find((c) => c.name === oom?.container);
  if (!oom || !template)
    return escalate(
      'raise-memory',
      `an init or unknown container of ${target} was OOM-killed (${oom?.container ?? '?'}): raise its memory by hand`,
    );
  // the template's limit, or what the kubelet enforced (a LimitRange default lands on the pod, not the template)
  const enforced = e.pods.flatMap((p) => p.containers).find((c) => c.name === oom.container && c.memoryLimit);
  const current = template.memoryLimit ?? enforced?.memoryLimit;
  const currentBytes = current === undefined ? undefined : parseQuantity(current);
  if (current === undefined || currentBytes === undefined)
    return escalate(
      'raise-memory',
      `container ${oom.container} of ${target} has no memory limit: the node ran out of memory. ` +
        'Set requests that match its use, or move it',
    );
  const policyMax = parseQuantity(limits.maxMemory);
  if (policyMax === undefined)
    return escalate('raise-memory', `the policy's memory maximum ${limits.maxMemory} is not a memory quantity`);
  const rangeMax = e.limitRangeMaxMemory === undefined ? undefined : parseQuantity(e.limitRangeMaxMemory);
  const cap = Math.min(policyMax, rangeMax ?? Infinity);
  const capName =
    rangeMax !== undefined && rangeMax < policyMax
      ? `the namespace's LimitRange max (${e.limitRangeMaxMemory})`
      : `the policy's maximum (${limits.maxMemory})`;
  const factor = Math.min(2, Math.max(1.1, limits.memoryFactor ?? DEFAULT_MEMORY_FACTOR));
  const wanted = Math.ceil((currentBytes * factor) / MI) * MI;
  // at the cap: the largest whole Mi under it (a limit above a LimitRange max is refused at admission)
  const next = wanted <= cap ? wanted : Math.floor(cap / MI) * MI;
  if (next <= currentBytes)
    return escalate(
      'raise-memory',
      `container ${oom.container} of ${target} is OOM-killed at ${current}, already at ${capName}: ` +
        'find why it needs more (a leak, a bigger working set), or raise the maximum',
    );
  const limit = formatMemory(next);
  const steps = [
    step({
      tool: 'k8s.set-memory',
      params: { target, container: oom.container, limit },
      description: `raise the memory limit of container ${oom.container} of ${target} from ${current} to ${limit}`,
      reasoning:
        `${d.hypothesis} Raise it ×${factor} to ${limit}${wanted > cap ? `, capped by ${capName}` : ''}.` +
        (template.memoryLimit ? ` Undo: set it back to ${template.memoryLimit}.` : ''),
      risk: 'medium',
    }),
    waitStep(target, waitSeconds(w), 'the heal is done only when every pod runs with the new limit and is available'),
  ];
  // the larger pods may not fit any node: go back to the limit the template had rather than stay half rolled out
  if (template.memoryLimit)
    steps.push(
      step({
        tool: 'k8s.set-memory',
        params: {
          target,
          container: oom.container,
          limit: template.memoryLimit,
          ...(template.memoryRequest &&
            (parseQuantity(template.memoryRequest) ?? Infinity) <= currentBytes && { request: template.memoryRequest }),
        },
        description:
          'if the new pods do not become available: ' +
          `set the limit of ${oom.container} back to ${template.memoryLimit}`,
        reasoning: 'pods with the larger limit may not be schedulable; the earlier state is known to run',
        risk: 'medium',
        when: 'on-failure',
      }),
      waitStep(target, waitSeconds(w), 'the undo is done only when the pods are available again', 'on-failure'),
    );
  return {
    playbook: 'raise-memory',
    plan: healPlanOf(
      steps,
      `container ${oom.container} of ${target} was OOM-killed` +
        `${oom.finishedAt ? ` (last ${oom.finishedAt})` : ''}: raise its memory limit from ${current} to ${limit}`,
    ),
  };
};
