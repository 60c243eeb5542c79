// `bosun`: the operator's entry point (`bosun run`) and a pipeline runner's (`bosun runner`).
import { errorMessage } from '../api/errors.js';
import { startOperator } from '../main.js';
import { loadRunConfig, runUsage } from './config.js';
import { installCrashHandlers } from './crash.js';
import { runnerMain, runnerUsage } from './runner.js';

async function run(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(runUsage());
    return;
  }
  let config;
  try {
    config = loadRunConfig(argv, process.env);
  } catch (err) {
    console.error(`${errorMessage(err)}\n\n${runUsage()}`);
    process.exit(2);
  }
  const operator = await startOperator(config);
  const { log } = operator;
  // a bug leaves the operator in an unknown state: log it and exit, so that the Deployment restarts it
  installCrashHandlers(process, log, (code) => process.exit(code));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void operator.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'run':
    await run(rest);
    break;
  case 'runner':
    await runnerMain(rest);
    break;
  default:
    console.error(`usage: bosun run|runner [flags]\n\n${runUsage()}\n\n${runnerUsage()}`);
    process.exit(command === undefined || command === 'help' || command === '--help' ? 0 : 2);
}
