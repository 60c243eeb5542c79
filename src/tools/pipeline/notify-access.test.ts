import { describe, expect, it } from 'vitest';
import { notifyAccess } from './notify-access.js';

const target = (type: 'slack' | 'github-status', name: string) => ({
  type,
  secretRef: { name, key: 'k' },
  on: ['failure' as const],
});

describe('what a report stage needs of its requester', () => {
  it('is get on each notify Secret, once each, in the run namespace', () => {
    const notify = [target('slack', 'hooks'), target('github-status', 'gh'), target('slack', 'hooks')];
    expect(notifyAccess({ notify }, 'demo')).toEqual([
      { verb: 'get', group: '', resource: 'secrets', namespace: 'demo', name: 'hooks' },
      { verb: 'get', group: '', resource: 'secrets', namespace: 'demo', name: 'gh' },
    ]);
  });

  it('is nothing without notify targets', () => {
    expect(notifyAccess({}, 'demo')).toEqual([]);
    expect(notifyAccess({ notify: [] }, 'demo')).toEqual([]);
  });
});
