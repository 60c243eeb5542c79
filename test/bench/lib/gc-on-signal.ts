// Preloaded into an operator under measurement (node --expose-gc --import <this>): on SIGUSR2 it runs a full
// garbage collection, so that the heap a bench reads next is what is live, not what is not yet collected.
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
