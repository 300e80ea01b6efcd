#!/usr/bin/env node
// What one message between two processes costs in CPU on this machine, back to back and
// after an idle gap: a client and an echo server over a Unix socket, one 200-byte message
// each way per round trip, CPU from process.cpuUsage() on both sides.
//
//   node benchmarks/wake-cost.mjs [GAP_MS...]      (default: 0 1 5 20)
//
// With no gap both processes stay busy; with one, each message first wakes a sleeping
// process. An order crosses ~30 such wake-ups (four services and their PostgreSQL backends),
// so the difference is most of what an order costs at low rates (benchmarks/README.md,
// "Twenty-first session").
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MESSAGE = 'x'.repeat(200);
/** Round trips per gap: enough for a stable mean, at most ~5 s per gap. */
const roundTrips = (gapMs) => (gapMs === 0 ? 5000 : Math.min(500, Math.ceil(5000 / gapMs)));

if (process.argv[2] === '--echo-server') {
  const server = net.createServer((c) => c.on('data', (d) => c.write(d)));
  server.listen(process.argv[3], () => process.send('ready'));
  process.on('message', () => process.send(process.cpuUsage()));
} else {
  const gaps = process.argv.slice(2).map(Number);
  const wanted = gaps.length > 0 ? gaps : [0, 1, 5, 20];
  if (wanted.some((g) => !Number.isInteger(g) || g < 0 || g > 1000)) {
    console.error('usage: node benchmarks/wake-cost.mjs [GAP_MS...] (integers from 0 to 1000)');
    process.exit(2);
  }
  const socket = path.join(tmpdir(), `alphintra-wake-cost-${process.pid}.sock`);
  const server = fork(fileURLToPath(import.meta.url), ['--echo-server', socket]);
  try {
    await new Promise((resolve) => server.once('message', resolve));
    const client = net.connect(socket);
    await new Promise((resolve) => client.once('connect', resolve));
    const serverCpu = () =>
      new Promise((resolve) => {
        server.once('message', resolve);
        server.send('cpu');
      });
    const micros = (a, b) => b.user - a.user + (b.system - a.system);
    console.log('gap ms  round trips  client µs/round trip  server µs/round trip');
    for (const gap of wanted) {
      const n = roundTrips(gap);
      const [s0, c0] = [await serverCpu(), process.cpuUsage()];
      for (let i = 0; i < n; i++) {
        const echoed = new Promise((resolve) => client.once('data', resolve));
        client.write(MESSAGE);
        await echoed;
        if (gap > 0) await sleep(gap);
      }
      const [s1, c1] = [await serverCpu(), process.cpuUsage()];
      const perTrip = (a, b) => String(Math.round(micros(a, b) / n));
      console.log(
        `${String(gap).padStart(6)}  ${String(n).padStart(11)}  ${perTrip(c0, c1).padStart(20)}  ${perTrip(s0, s1).padStart(20)}`,
      );
    }
    client.destroy();
  } finally {
    server.kill();
    rmSync(socket, { force: true });
  }
}
