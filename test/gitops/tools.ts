// The Go programs the GitOps tests run, found through the environment (hack/lib.sh exports them).
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const KSTATUS = { env: 'BOSUN_KSTATUS', build: 'hack/build-kstatus.sh' } as const;
export const ARGOCD_HEALTH = { env: 'BOSUN_ARGOCD_HEALTH', build: 'hack/build-argocd-health.sh' } as const;

/** The binary's path, or an error that says how to build it. */
export function toolPath(tool: { env: string; build: string }): string {
  const path = process.env[tool.env];
  const how = `build it with ${tool.build} and export ${tool.env}=$(${tool.build})`;
  if (!path) throw new Error(`${tool.env} is not set: ${how}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${tool.env}=${path} is not an executable file: ${how}`);
  }
  return path;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], input?: string): Run {
  const r = spawnSync(bin, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Reading {
  name: string;
  kind: string;
  status: string;
  message: string;
}

/** Objects in on stdin, one reading per object out (kstatus, or argocd-health eval). */
export function readAll(bin: string, args: string[], objects: readonly unknown[]): Reading[] {
  const r = run(bin, args, JSON.stringify(objects));
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Reading[];
}
