// Stages that run in the cluster: a hardened Job per attempt. Not built yet:
// such a stage fails at once, saying so, and a Pipeline can run it on a runner.
import { BosunError } from '../../api/errors.js';
import type { StageBackend } from '../../tools/pipeline/stage.js';

export function jobBackend(): StageBackend {
  const refuse = (): never => {
    throw new BosunError(
      'BOSUN_ERR_TOOL_FAILED',
      'stages that run in the cluster (runOn: cluster) are not served by this build yet: use runOn: runner',
    );
  };
  return { ensure: async () => refuse(), cancel: async () => undefined };
}
