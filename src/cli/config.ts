// `bosun run` settings: flags, else BOSUN_* environment variables, else
// defaults; validated by the RunConfig schema (src/run-config.ts) so a bad value
// stops start-up with a message naming the setting.
import { parseArgs } from 'node:util';
import { BosunError } from '../api/errors.js';
import { RunConfig } from '../run-config.js';

const flags = Object.keys(RunConfig.shape);
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (s: string) => `BOSUN_${kebab(s).replace(/-/g, '_').toUpperCase()}`;

/** Reads flags (--etcd-endpoints=…) and BOSUN_* variables (BOSUN_ETCD_ENDPOINTS); flags win. */
export function loadRunConfig(argv: string[], env: NodeJS.ProcessEnv): RunConfig {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(flags.map((f) => [kebab(f), { type: 'string' as const }])),
    strict: true,
    allowPositionals: false,
  });
  const raw: Record<string, unknown> = {};
  for (const f of flags) {
    const v = values[kebab(f)] ?? env[envName(f)];
    if (v !== undefined) raw[f] = v;
  }
  raw.kubeconfig ??= env.KUBECONFIG;
  const parsed = RunConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      return `--${kebab(key)} (${envName(key)}): ${i.message}`;
    });
    throw new BosunError('BOSUN_ERR_CONFIG', `invalid settings:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

export const runUsage = () =>
  `bosun run [flags]: the operator. Each flag can also be set by its environment variable.\n${flags
    .map((f) => {
      const help = RunConfig.shape[f as keyof typeof RunConfig.shape].description;
      return `  --${kebab(f)} (${envName(f)})${help ? `: ${help}` : ''}`;
    })
    .join('\n')}`;
