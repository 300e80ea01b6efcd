import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { commandLine, describePortHolder } from './port-check.js';

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
        expect(said).toMatch(new RegExp(`^pid ${child.pid} \\(node -e const s = require`));
        expect(said).not.toContain('\n');
      } finally {
        child.kill('SIGKILL');
      }
    },
  );
});

describe('commandLine', () => {
  test('names the program without its install path, however deep', () => {
    const deep = `/${'very-long-directory/'.repeat(6)}bin/node`;
    expect(commandLine([deep, 'services/gateway/main.js', '--port=4100'])).toBe(
      'node services/gateway/main.js --port=4100',
    );
  });

  test('cuts a long line at 80 characters with an ellipsis', () => {
    const said = commandLine(['python3', '-c', 'x'.repeat(200)]);
    expect(said).toHaveLength(80);
    expect(said.endsWith('…')).toBe(true);
    expect(said.startsWith('python3 -c xxx')).toBe(true);
  });

  test('keeps a short line whole and on one line', () => {
    expect(commandLine(['sh', '-c', 'a\n  b'])).toBe('sh -c a b');
  });
});
