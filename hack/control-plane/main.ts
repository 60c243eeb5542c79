// Starts a local control plane in DIR and keeps it up until this process ends
// (its components end with it, even on SIGKILL).  Usage: tsx hack/control-plane/main.ts DIR
import { startControlPlane } from './control-plane.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx hack/control-plane/main.ts DIR');
  process.exit(2);
}
const cp = await startControlPlane({ dir, log: (line) => console.log(line) });
console.log(`kubeconfig: ${cp.info.kubeconfigs.admin}`);
const stop = () => void cp.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
