// When an integration test fails, print the end of every control-plane
// component's log, and of every operator the file started, beside the failure.
import { readFileSync } from 'node:fs';
import { afterAll, beforeEach, inject } from 'vitest';
import { running, stopAll } from './operator.js';

const TAIL = 40;

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    const { logs } = inject('controlPlane');
    for (const [name, path] of Object.entries(logs)) {
      let tail = '(no log)';
      try {
        tail = readFileSync(path, 'utf8').trimEnd().split('\n').slice(-TAIL).join('\n');
      } catch {
        // keep the placeholder
      }
      console.error(`\n----- ${name}: last ${TAIL} lines of ${path}\n${tail}`);
    }
    for (const op of running)
      console.error(`\n----- operator ${op.identity}: last ${TAIL} lines of ${op.logPath}\n${op.log(TAIL)}`);
  });
});

// no operator outlives its test file
afterAll(stopAll);
