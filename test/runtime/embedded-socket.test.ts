import { describe, expect, test } from 'vitest';
import { socketDirFor } from '../../cli/lib/runtime/local/postgres/embedded.js';

describe('socketDirFor', () => {
  test('the socket lives in run/ next to the data directory', () => {
    expect(socketDirFor('/tmp/alp/data/pg', 4099)).toBe('/tmp/alp/data/run');
    expect(socketDirFor('/var/lib/alphintra/0123456789abcdef/pg', 5099)).toBe(
      '/var/lib/alphintra/0123456789abcdef/run',
    );
  });

  test('no socket (TCP only) when its path would not fit in sun_path (107 bytes)', () => {
    // <dir>/.s.PGSQL.4099 is the directory plus 14 bytes; <dir> is '/' + name + '/data/run'.
    const name = 'a'.repeat(83); // dir: 93 bytes, socket: 107
    expect(socketDirFor(`/${name}/data/pg`, 4099)).toBe(`/${name}/data/run`);
    expect(socketDirFor(`/${name}a/data/pg`, 4099)).toBeUndefined();
    expect(socketDirFor(`/${name}/data/pg`, 40999)).toBeUndefined();
  });

  test('no socket when the directory would need quoting in pg_ctl -o', () => {
    expect(socketDirFor('/tmp/my home/data/pg', 4099)).toBeUndefined();
    expect(socketDirFor("/tmp/it's/data/pg", 4099)).toBeUndefined();
    expect(socketDirFor('/tmp/$HOME/data/pg', 4099)).toBeUndefined();
  });
});
