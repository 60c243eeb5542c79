// The parsers' testdata: real output of the tools hack/build-stage-tools.sh builds, on samples/app
// and its overlays, as hack/capture-stage-output.sh wrote it (see there for what each file is).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

export const testdata = (name: string): string => readFileSync(join(dir, name), 'utf8');
