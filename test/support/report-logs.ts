// When an integration test fails, print the end of every control-plane
// component's log beside the failure.
import { readFileSync } from 'node:fs';
import { beforeEach, inject } from 'vitest';

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
  });
});
