// `bosun runner`: a host that runs pipeline stages in a sandbox for the operator. Its flags are
// parsed and checked before anything starts (exit 2 with what is wrong and what to do), the
// sandbox is tried once (exit 1 with why it cannot work here), then the runner registers with
// the operator and claims work until SIGTERM or SIGINT. The key is read from a file and never
// printed: not in errors, not in logs (the logger masks it as well).
import { chmod, lstat, mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { BosunError, errorMessage } from '../api/errors.js';
import { Label } from '../api/v1alpha1/common.js';
import { MAX_CAPACITY } from '../runner/protocol.js';
import { operatorUrl } from '../runner/runner-http.js';
import { Runner, type Sandbox } from '../runner/runner.js';
import { removeTree } from '../runner/sandbox-files.js';
import { checkSandbox, runSandboxed } from '../runner/sandbox.js';
import { stageAgent } from '../stages/agents.js';
import { MIN_KEY_BYTES } from '../runner/sign.js';
import { createLogger, SecretMasker } from '../telemetry/logger.js';
import { installCrashHandlers } from './crash.js';

/** The host's name as a DNS label: its first part, lower-cased, other characters made dashes. */
export function hostLabel(host: string): string {
  const label = (host.split('.')[0] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label || 'runner';
}

const urlProblem = (url: string): string | undefined => {
  try {
    operatorUrl(url);
    return undefined;
  } catch (err) {
    return errorMessage(err).replace(/^BOSUN_ERR_CONFIG: /, '');
  }
};

const required = (what: string) => ({
  error: (iss: { input: unknown }) => (iss.input === undefined ? `is required: ${what}` : 'must be a string'),
});

/** The flags of `bosun runner`, as given on the command line (the files they name are read after). */
export const RunnerFlags = z.object({
  url: z
    .string(required("the operator's HTTPS base URL, for example --url https://bosun.example:9443"))
    .superRefine((url, ctx) => {
      const problem = urlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem}, for example https://127.0.0.1:9443` });
    })
    .describe("the operator's base URL: https:// (http:// only to a loopback address)"),
  name: Label.describe(
    "this runner's name, a DNS label the operator holds its key under (default: the host name cut to a label)",
  ),
  keyFile: z
    .string(required(`the file that holds this runner's key, ${MIN_KEY_BYTES} bytes or more (openssl rand -hex 32)`))
    .min(1, 'must name a file')
    .describe(`file holding the runner's HMAC key (at least ${MIN_KEY_BYTES} bytes; surrounding whitespace ignored)`),
  caFile: z
    .string()
    .min(1, 'must name a file')
    .optional()
    .describe("PEM file of the CA to trust for the operator's certificate (default: the system's CAs)"),
  capacity: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, `must be from 1 to ${MAX_CAPACITY}`)
    .max(MAX_CAPACITY, `must be from 1 to ${MAX_CAPACITY}`)
    .default(2)
    .describe('stages run at once (default 2)'),
  workspaceDir: z
    .string()
    .min(1, 'must name a directory')
    .transform((d) => resolve(d))
    .describe('where stage workspaces are made, made mode 0700 (default: bosun-runner-NAME in the temp directory)'),
  tools: z
    .string()
    .min(1, 'must name a directory')
    .transform((d) =>
      d
        .split(':')
        .filter(Boolean)
        .map((p) => resolve(p)),
    )
    .default([])
    .describe(
      'directories of stage tools, :-separated (hack/build-stage-tools.sh makes one): each is bound read-only in ' +
        'the sandbox at its own path, and its bin/ put first on PATH (ESLint, crane, Trivy for the stage agents)',
    ),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
export type RunnerFlags = z.infer<typeof RunnerFlags>;

const flags = Object.keys(RunnerFlags.shape) as (keyof typeof RunnerFlags.shape)[];
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const invalid = (lines: string[]) => new BosunError('BOSUN_ERR_CONFIG', `invalid settings:\n  ${lines.join('\n  ')}`);

/** Reads `bosun runner`'s flags (--url=… or --url …); `host` gives the default name. */
export function parseRunnerFlags(argv: string[], host: string = hostname(), temp: string = tmpdir()): RunnerFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(flags.map((f) => [kebab(f), { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw invalid([errorMessage(err)]);
  }
  const raw: Record<string, unknown> = {};
  for (const f of flags) if (values[kebab(f)] !== undefined) raw[f] = values[kebab(f)];
  raw.name ??= hostLabel(host);
  raw.workspaceDir ??= join(temp, `bosun-runner-${String(raw.name)}`);
  const parsed = RunnerFlags.safeParse(raw);
  if (!parsed.success) {
    throw invalid(parsed.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ''))}: ${i.message}`));
  }
  return parsed.data;
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** The key in a key file's bytes: without surrounding whitespace (a newline an editor added), long enough. */
export function keyFrom(bytes: Buffer, file: string): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start]!)) start++;
  while (end > start && isSpace(bytes[end - 1]!)) end--;
  const key = bytes.subarray(start, end);
  if (key.length < MIN_KEY_BYTES) {
    // the length only: the key itself is never shown
    throw invalid([
      `--key-file: ${file} holds ${key.length} bytes, and a runner key is at least ${MIN_KEY_BYTES}: ` +
        `write a random one (openssl rand -hex 32 > ${file}) and give the operator the same`,
    ]);
  }
  return Buffer.from(key);
}

/** A CA file's text, when it holds a PEM certificate. */
export function caFrom(text: string, file: string): string {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalid([`--ca-file: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`]);
  }
  return text;
}

const read = async (flag: string, file: string): Promise<Buffer> => {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw invalid([`--${flag}: cannot read ${file} (${code}): check the path and that this user may read it`]);
  }
};

/**
 * The directory stage workspaces go under: made if missing, this user's own (not a directory someone else
 * made in a shared /tmp, nor a symlink to one) and mode 0700, so no other host user reaches what a stage
 * leaves in its workspace (a setuid file, say) before the workspace is removed.
 */
export async function prepareWorkspaceDir(dir: string, uid: number = process.getuid?.() ?? -1): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw invalid([`--workspace-dir: cannot make ${dir} (${code}): name a directory this user may create`]);
  }
  const st = await lstat(dir);
  if (!st.isDirectory()) throw invalid([`--workspace-dir: ${dir} is not a directory (a symlink is not taken)`]);
  if (uid >= 0 && st.uid !== uid) {
    throw invalid([`--workspace-dir: ${dir} belongs to uid ${st.uid}, not to this user (${uid}): name another`]);
  }
  // mkdir's mode applies only to what it makes, and through the umask: set it on the directory itself
  if ((st.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
}

/** Each --tools directory exists (a missing one would only show as "command not found" in a stage). */
async function toolsAreDirectories(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const st = await stat(dir).catch(() => undefined);
    if (!st?.isDirectory()) throw invalid([`--tools: ${dir} is not a directory: build it (hack/build-stage-tools.sh)`]);
  }
}

/**
 * The sandbox with each ephemeral workspace under `base` instead of the temp directory (runSandboxed has
 * no such option): made for the request (mkdtemp, mode 0700) and removed after it, whatever the command
 * left in it.
 */
export function sandboxUnder(base: string, run: Sandbox['run']): Sandbox {
  return {
    run: async (req) => {
      if (req.workspace !== undefined) return run(req);
      const workspace = await mkdtemp(join(base, 'ws-'));
      try {
        return await run({ ...req, workspace });
      } finally {
        await removeTree(workspace);
      }
    },
  };
}

export const runnerUsage = () =>
  `bosun runner [flags]: runs pipeline stages (runOn: runner) in a sandbox for the operator.\n${flags
    .map((f) => {
      const help = RunnerFlags.shape[f].description;
      return `  --${kebab(f)}${help ? `: ${help}` : ''}`;
    })
    .join('\n')}`;

/** `bosun runner`: exits 2 on bad flags, 1 when the sandbox cannot work here or the operator refuses it. */
export async function runnerMain(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(runnerUsage());
    return;
  }
  let config: RunnerFlags & { key: Buffer; ca?: string };
  try {
    const f = parseRunnerFlags(argv);
    const key = keyFrom(await read('key-file', f.keyFile), f.keyFile);
    const ca =
      f.caFile === undefined ? undefined : caFrom((await read('ca-file', f.caFile)).toString('utf8'), f.caFile);
    await prepareWorkspaceDir(f.workspaceDir);
    await toolsAreDirectories(f.tools);
    config = { ...f, key, ...(ca !== undefined && { ca }) };
  } catch (err) {
    console.error(`${errorMessage(err)}\n\n${runnerUsage()}`);
    process.exit(2);
  }
  try {
    await checkSandbox();
  } catch (err) {
    console.error(errorMessage(err));
    process.exit(1);
  }
  const masker = new SecretMasker();
  masker.add(config.key.toString('utf8'));
  const log = createLogger({ level: config.logLevel, masker, base: { app: 'bosun-runner', runner: config.name } });
  installCrashHandlers(process, log, (code) => process.exit(code));
  const runner = new Runner({
    url: config.url,
    name: config.name,
    key: config.key,
    capacity: config.capacity,
    ...(config.ca !== undefined && { ca: config.ca }),
    log,
    sandbox: sandboxUnder(config.workspaceDir, (req) => runSandboxed(req, { tools: config.tools })),
    workspaceDir: config.workspaceDir,
    agents: stageAgent,
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: cancelling running stages');
    void runner.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  log.info(
    { url: config.url, capacity: config.capacity, workspaceDir: config.workspaceDir },
    'registering with the operator',
  );
  try {
    await runner.start();
  } catch (err) {
    // refused (a wrong key, a name the operator does not know): retrying cannot fix it
    log.error({ error: errorMessage(err) }, 'the operator refused this runner');
    console.error(`${errorMessage(err)}`);
    process.exit(1);
  }
  if (!stopping) log.info('registered: claiming work');
}
