import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goModuleVersion, npmVersion, versionIn } from './machine.js';

describe('versionIn', () => {
  const cases: { why: string; text: string; want: string | undefined }[] = [
    { why: 'kube-apiserver', text: 'Kubernetes v1.35.4\n', want: 'v1.35.4' },
    { why: 'etcd, before its Go version', text: 'etcd Version: 3.5.35\nGo Version: go1.26.8\n', want: 'v3.5.35' },
    { why: 'kwok', text: 'kwok version v0.8.0 go1.26.8 (linux/amd64)', want: 'v0.8.0' },
    { why: 'alertmanager', text: 'alertmanager, version 0.35.0 (branch: HEAD, revision: unknown)', want: 'v0.35.0' },
    { why: 'a pre-release', text: 'Kubernetes v1.36.0-alpha.1', want: 'v1.36.0-alpha.1' },
    { why: 'no version', text: 'command not found', want: undefined },
  ];
  for (const c of cases) it(c.why, () => expect(versionIn(c.text)).toBe(c.want));
});

describe('module versions', () => {
  it('goModuleVersion reads the version go.mod requires', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-machine-'));
    const mod = join(dir, 'go.mod');
    writeFileSync(
      mod,
      'module x\n\nrequire (\n\tk8s.io/client-go v0.35.0\n\tsigs.k8s.io/controller-runtime v0.23.3\n)\n',
    );
    expect(goModuleVersion(mod)).toBe('v0.23.3');
    expect(goModuleVersion(mod, 'k8s.io/client-go')).toBe('v0.35.0');
    expect(goModuleVersion(mod, 'k8s.io/api')).toBe('unknown');
  });
  it('npmVersion reads an installed package', () => expect(npmVersion('zod')).toMatch(/^v4\./));
});
