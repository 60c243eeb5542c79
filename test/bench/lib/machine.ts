// The machine and the versions a bench ran on, printed first so that figures
// from different runs are read with what they came from.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release, totalmem, type } from 'node:os';

/** The first version number in a `--version` output (`Kubernetes v1.35.4`, `etcd Version: 3.5.35`, …). */
export function versionIn(text: string): string | undefined {
  const m = /\bv?(\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?)/.exec(text);
  return m ? `v${m[1]}` : undefined;
}

/** `bin --version`, read from stdout and stderr; 'not found' when it does not run. */
function versionOf(bin: string): string {
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return (res.status === 0 && versionIn(`${res.stdout}\n${res.stderr}`)) || 'not found';
}

export interface Machine {
  cpu: string;
  cpus: number;
  memoryGiB: number;
  os: string;
  node: string;
  versions: Record<string, string>;
}

/** This machine, Node, and the control plane's binaries as PATH finds them (hack/lib.sh puts them first). */
export function machine(extra: Record<string, string | undefined> = {}): Machine {
  const bins: Record<string, string> = {
    'kube-apiserver': 'kube-apiserver',
    etcd: 'etcd',
    kwok: 'kwok',
    ...Object.fromEntries(Object.entries(extra).filter((e): e is [string, string] => !!e[1])),
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    versions: Object.fromEntries(Object.entries(bins).map(([name, bin]) => [name, versionOf(bin)])),
  };
}

export const machineLine = (m: Machine) =>
  `machine: ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; ` +
  Object.entries(m.versions)
    .map(([name, v]) => `${name} ${v}`)
    .join(', ');

/** The version go.mod at `path` requires of `module` ('unknown' when it names none). */
export const goModuleVersion = (path: string, module = 'sigs.k8s.io/controller-runtime') =>
  new RegExp(`^\\s*${module.replace(/[.]/g, '\\.')}\\s+(v\\S+)`, 'm').exec(readFileSync(path, 'utf8'))?.[1] ??
  'unknown';

/** The installed version of npm package `name`. */
export const npmVersion = (name: string): string =>
  `v${(createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version}`;
