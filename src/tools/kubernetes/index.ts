// The Kubernetes tool family.
import type { AnyTool } from '../tool.js';
import { describe, events, get, list, logs } from './read.js';
import { waitForCondition } from './wait.js';
import { apply, patch } from './apply.js';
import { del, rolloutRestart, rolloutUndo, scale, setImage } from './write.js';
import { setMemory } from './set-memory.js';

export const kubernetesTools = (): AnyTool[] =>
  [
    get,
    list,
    describe,
    logs,
    events,
    apply,
    patch,
    scale,
    rolloutRestart,
    rolloutUndo,
    setImage,
    setMemory,
    del,
    waitForCondition,
  ] as unknown as AnyTool[];
