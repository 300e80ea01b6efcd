import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { homeMarker, processesOfHome } from './home-processes.js';

describe('processesOfHome', () => {
  const home = `/tmp/alp-marker-${process.pid}/home`;
  let child: ChildProcess;
  let exited: Promise<unknown>;

  beforeAll(async () => {
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', homeMarker(home)], {
      stdio: 'ignore',
    });
    exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => child.once('spawn', resolve));
  });
  afterAll(() => void child.kill('SIGKILL'));

  test('finds a process by its marker, and only for exactly that home', async () => {
    expect(await processesOfHome(home)).toEqual([child.pid]);
    expect(await processesOfHome(`${home}/`)).toEqual([child.pid]);
    expect(await processesOfHome(`/tmp/alp-marker-${process.pid}`)).toEqual([]);
    expect(await processesOfHome(`${home}2`)).toEqual([]);
  });

  test('a process that ended is not listed', async () => {
    child.kill('SIGKILL');
    await exited;
    expect(await processesOfHome(home)).toEqual([]);
  });
});
