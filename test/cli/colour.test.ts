import { describe, expect, test } from 'vitest';
import { colourLevel } from '../../cli/lib/output/colour.js';

describe('colourLevel', () => {
  test.each([
    [{}, false, 0],
    [{}, true, 2],
    [{ COLORTERM: 'truecolor' }, true, 3],
    [{ TERM: 'dumb' }, true, 0],
    [{ NO_COLOR: '1' }, true, 0],
    [{ NO_COLOR: '' }, true, 2],
    [{ FORCE_COLOR: '1' }, false, 1],
    [{ FORCE_COLOR: '' }, false, 1],
    [{ FORCE_COLOR: '3' }, false, 3],
    [{ FORCE_COLOR: '0' }, true, 0],
    [{ FORCE_COLOR: 'false' }, true, 0],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, 0],
  ])('env %j, tty %s -> level %i', (env, tty, level) => {
    expect(colourLevel(env as NodeJS.ProcessEnv, tty)).toBe(level);
  });
});
