// Entry point of the kubectl plugin (bin/kubectl-bosun).
import { plugin } from './plugin.js';

process.exitCode = await plugin(process.argv.slice(2));
