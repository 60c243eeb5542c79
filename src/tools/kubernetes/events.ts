// Which Events a reader is shown, and in what order: pure. An Event's time
// fields (lastTimestamp, eventTime) are written by whoever writes the Event, so
// one future-dated Event could hold the top of a time-ordered window; and one
// noisy writer could fill it. So Events are ordered by when the API server
// stored them (resourceVersion: etcd's write order), the newest first, with at
// most a few per writer; and Bosun's own Events, which carry text a model
// wrote, are never shown back as cluster evidence.
export interface CoreEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { name?: string; kind?: string; uid?: string };
  reportingComponent?: string;
  source?: { component?: string };
  metadata: { name: string; resourceVersion?: string };
}

export const EVENT_WINDOW = 20;
export const EVENTS_PER_WRITER = 5;

const writer = (e: CoreEvent) => e.reportingComponent || e.source?.component || '(unnamed)';

/** The API server's write order; an unparsable resourceVersion sorts first (oldest). */
const stored = (e: CoreEvent): bigint => {
  const rv = e.metadata.resourceVersion ?? '';
  return /^\d{1,30}$/.test(rv) ? BigInt(rv) : -1n;
};

/** The Events shown, oldest first: the newest `window` stored, at most `perWriter` of each writer, none of Bosun's. */
export function eventWindow<E extends CoreEvent>(
  items: readonly E[],
  window = EVENT_WINDOW,
  perWriter = EVENTS_PER_WRITER,
): E[] {
  const newestFirst = items
    .filter((e) => !writer(e).startsWith('bosun.dev/'))
    .sort((a, b) => (stored(a) < stored(b) ? 1 : stored(a) > stored(b) ? -1 : 0));
  const taken = new Map<string, number>();
  const out: E[] = [];
  for (const e of newestFirst) {
    const n = taken.get(writer(e)) ?? 0;
    if (n >= perWriter) continue;
    taken.set(writer(e), n + 1);
    out.push(e);
    if (out.length >= window) break;
  }
  return out.reverse();
}

export const eventLine = (e: CoreEvent) => {
  const object = `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`;
  const count = e.count && e.count > 1 ? ` (x${e.count})` : '';
  return `${e.type ?? ''} ${e.reason ?? ''} ${object}: ${e.message ?? ''}${count}`.trim();
};
