import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { isBrokenPipe, readerGone, tolerateBrokenPipes } from './broken-pipe.js';

const errno = (code: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`write ${code}`), { code });

describe('tolerateBrokenPipes', () => {
  test('a broken pipe is swallowed; any other stream error is still thrown', () => {
    const stream = new PassThrough();
    tolerateBrokenPipes([stream]);
    expect(() => stream.emit('error', errno('EPIPE'))).not.toThrow();
    expect(() => stream.emit('error', errno('EIO'))).not.toThrow();
    expect(() => stream.emit('error', errno('ERR_STREAM_DESTROYED'))).not.toThrow();
    expect(() => stream.emit('error', errno('ENOSPC'))).toThrow('write ENOSPC');
  });

  test('readerGone aborts at the first broken pipe of its stream, and only its own', () => {
    const [out, err] = [new PassThrough(), new PassThrough()];
    tolerateBrokenPipes([out, err]);
    const [outGone, errGone] = [readerGone(out), readerGone(err)];
    out.emit('error', errno('EPIPE'));
    expect([outGone.aborted, errGone.aborted]).toEqual([true, false]);
    expect(readerGone(out)).toBe(outGone);
  });

  test('a listener that was there before sees every other error, and no broken pipe', () => {
    const stream = new PassThrough();
    const seen: string[] = [];
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOSPC') throw err; // as @oclif/core's: everything but one code throws
      seen.push(err.code);
    });
    tolerateBrokenPipes([stream]);
    expect(() => stream.emit('error', errno('EIO'))).not.toThrow();
    expect(() => stream.emit('error', errno('ENOSPC'))).not.toThrow();
    expect(() => stream.emit('error', errno('EACCES'))).toThrow('write EACCES');
    expect(seen).toEqual(['ENOSPC']);
  });

  test('installing twice adds one listener', () => {
    const stream = new PassThrough();
    tolerateBrokenPipes([stream]);
    tolerateBrokenPipes([stream]);
    expect(stream.listenerCount('error')).toBe(1);
  });

  test('isBrokenPipe names only the reader-is-gone errors', () => {
    expect(
      [errno('EPIPE'), errno('EIO'), errno('ERR_STREAM_DESTROYED'), errno('ENOSPC'), undefined].map(
        isBrokenPipe,
      ),
    ).toEqual([true, true, true, false, false]);
  });

  // A real pipe whose reader is gone: the writer must keep running and exit normally.
  test.each([
    ['without it, the writer dies of the broken pipe', false, 1],
    ['with it, the writer finishes', true, 0],
  ])('%s', async (_name, tolerate, exitCode) => {
    const script = `
      ${tolerate ? `(await import(${JSON.stringify(new URL('./broken-pipe.ts', import.meta.url).href)})).tolerateBrokenPipes();` : ''}
      for (let i = 0; i < 200; i++) { process.stderr.write('line ' + i + '\\n'); await new Promise((r) => setTimeout(r, 2)); }
      process.stdout.write('finished\\n');`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.once('data', () => child.stderr.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(exitCode);
    expect(stdout.includes('finished')).toBe(tolerate);
  });
});
