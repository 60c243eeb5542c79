// Preloaded into a Node process under benchmark (`node --expose-gc --import <this>`): SIGUSR2 runs a full garbage
// collection, so that the bench reads heap in use after one, at the moment it chooses and at no other.
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('gc-on-signal needs node --expose-gc');
process.on('SIGUSR2', () => gc());
