import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { describePortHolder } from './port-check.js';

describe('describePortHolder', () => {
  test.skipIf(process.platform !== 'linux')(
    'names the pid and its command on one line, even for a program given inline',
    async () => {
      const script = [
        "const s = require('node:net').createServer();",
        "s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
      ].join('\n');
      const child = spawn(process.execPath, ['-e', script], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
        const said = await describePortHolder(Number(chunk.toString().trim()));
        expect(said).toMatch(new RegExp(`^pid ${child.pid} \\(.*node -e const s = require`));
        expect(said).not.toContain('\n');
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});
