// An OCI registry on loopback for the pipelines' build stage: go-containerregistry's
// `registry` (in-memory, plain HTTP on localhost, which crane and Trivy take without
// TLS), built by hack/build-stage-tools.sh.
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Component } from './component.js';
import { freePort, until } from './wait.js';

export interface Registry {
  /** 127.0.0.1:PORT, the host part of its image references */
  host: string;
  tail(): string;
  stop(): Promise<void>;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/v2/', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
  });

/** Starts `registry` from the stage tools directory (its bin/registry). */
export async function startRegistry(toolsDir: string): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-registry-'));
  const port = await freePort();
  const registry = new Component(
    'registry',
    join(toolsDir, 'bin', 'registry'),
    ['-port', String(port)],
    join(dir, 'log'),
  );
  registry.start();
  await until(
    'the registry to answer',
    () => answers(port),
    15_000,
    () => registry.tail(),
  );
  return {
    host: `127.0.0.1:${port}`,
    tail: () => registry.tail(),
    stop: async () => {
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
