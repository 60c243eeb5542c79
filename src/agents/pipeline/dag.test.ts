import { describe, expect, it } from 'vitest';
import { cycleIn, topologicalOrder } from './dag.js';

const s = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

describe('the stage graph', () => {
  it.each([
    { why: 'a chain', stages: [s('a'), s('b', 'a'), s('c', 'b')], cycle: undefined },
    { why: 'a diamond', stages: [s('a'), s('b', 'a'), s('c', 'a'), s('d', 'b', 'c')], cycle: undefined },
    { why: 'two stages that wait for each other', stages: [s('a', 'b'), s('b', 'a')], cycle: ['a', 'b', 'a'] },
    {
      why: 'a loop behind a stage that is fine',
      stages: [s('lint'), s('x', 'lint', 'z'), s('y', 'x'), s('z', 'y')],
      cycle: ['x', 'z', 'y', 'x'],
    },
  ])('$why', ({ stages, cycle }) => {
    expect(cycleIn(stages)).toEqual(cycle);
  });

  it('orders each stage after what it depends on, and keeps the spec order among the ready ones', () => {
    const order = topologicalOrder([s('deploy', 'build'), s('build', 'lint', 'test'), s('lint'), s('test')]);
    expect(order.map((x) => x.name)).toEqual(['lint', 'test', 'build', 'deploy']);
  });
});
