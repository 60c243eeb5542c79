// Per-provider backoff: after a failed call, the provider is not asked again
// until its backoff has passed (the runtime's Backoff: 5 s, doubling to 5 min,
// jittered so that replicas do not ask in step), whichever subject asks;
// a success clears it. The reconciler requeues a subject for the rest of the
// backoff rather than calling, so a provider that is down is asked about once
// per backoff, not once per reconcile of every waiting subject.
import { Backoff } from '../../runtime/backoff.js';

export const FIRST_BACKOFF_MS = 5_000;
export const MAX_BACKOFF_MS = 300_000;

interface State {
  backoff: Backoff;
  until: number;
  /** why the last call failed, as providerFailure() says it (no response body) */
  why: string;
}

export class ProviderHealth {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {}

  /** How long the provider at `endpoint` is still backed off (0: it may be asked), and why. */
  backoff(endpoint: string): { waitMs: number; why: string } {
    const s = this.states.get(endpoint);
    return { waitMs: s ? Math.max(0, Math.ceil(s.until - this.now())) : 0, why: s?.why ?? '' };
  }

  /** A call failed: the backoff doubles. Returns how long it lasts. */
  failed(endpoint: string, why: string): number {
    const backoff = this.states.get(endpoint)?.backoff ?? new Backoff(FIRST_BACKOFF_MS, MAX_BACKOFF_MS, this.random);
    const waitMs = backoff.next();
    this.states.set(endpoint, { backoff, until: this.now() + waitMs, why });
    return waitMs;
  }

  succeeded(endpoint: string): void {
    this.states.delete(endpoint);
  }
}

/** One per process: every Goal of every namespace shares what it knows about a provider. */
export const providerHealth = new ProviderHealth();
