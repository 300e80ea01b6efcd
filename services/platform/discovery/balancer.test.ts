import { describe, expect, test } from 'vitest';
import { createBalancer } from './balancer.js';
import { createStaticResolver } from './static-resolver.js';
import type { ServiceInstance } from './types.js';

const inst = (id: string, service = 'trading'): ServiceInstance => ({
  service,
  instanceId: id,
  url: `http://h/${id}`,
});
const a = inst('a');
const b = inst('b');
const c = inst('c');

function setup() {
  const clock = { t: 0 };
  const bal = createBalancer({ now: () => clock.t, ejectMs: 5_000, maxEjectMs: 20_000 });
  bal.setView([a, b, c].map((instance) => ({ instance, deadline: 15_000 })));
  const picks = (n: number, s = 'trading') =>
    Array.from({ length: n }, () => bal.pick(s)?.instanceId ?? null);
  return { clock, bal, picks };
}

describe('balancer', () => {
  test('round-robin across live instances', () => {
    expect(setup().picks(6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  test('unknown service → null', () => {
    expect(setup().picks(1, 'risk')).toEqual([null]);
  });

  test('an instance whose lease lapsed is no longer picked', () => {
    const { bal, clock, picks } = setup();
    bal.setView([
      { instance: a, deadline: 15_000 },
      { instance: b, deadline: 5_000 },
    ]);
    clock.t = 5_000;
    expect(picks(3)).toEqual(['a', 'a', 'a']);
    clock.t = 15_000;
    expect(picks(1)).toEqual([null]);
  });

  test('a failing instance is ejected, then comes back; repeated failures eject longer', () => {
    const { bal, clock, picks } = setup();
    bal.reportFailure(b);
    expect(picks(4)).toEqual(['a', 'c', 'a', 'c']);
    clock.t = 5_000;
    expect(picks(3).sort()).toEqual(['a', 'b', 'c']);
    bal.reportFailure(b);
    clock.t = 14_999;
    expect(picks(4)).not.toContain('b');
  });

  test('a success clears the ejection history', () => {
    const { bal, clock, picks } = setup();
    bal.reportFailure(b);
    bal.reportSuccess(b);
    expect(picks(3).sort()).toEqual(['a', 'b', 'c']);
    bal.reportFailure(b);
    clock.t = 5_000;
    expect(picks(3).sort()).toEqual(['a', 'b', 'c']);
  });

  test('all ejected: all are used again (panic mode) rather than none', () => {
    const { bal, picks } = setup();
    [a, b, c].forEach((i) => bal.reportFailure(i));
    expect(picks(3).sort()).toEqual(['a', 'b', 'c']);
  });

  test('instances() lists the live view per service', () => {
    const { bal } = setup();
    bal.setView([
      { instance: inst('x', 'risk'), deadline: 1 },
      { instance: a, deadline: 1 },
    ]);
    expect(bal.instances('risk').map((i) => i.instanceId)).toEqual(['x']);
  });
});

describe('static resolver', () => {
  test('balances fixed URLs and ejects like the registry view', () => {
    const r = createStaticResolver({
      trading: ['http://t1', 'http://t2'],
      risk: 'http://risk:4021',
    });
    expect([r.resolve('trading')?.url, r.resolve('trading')?.url, r.resolve('risk')?.url]).toEqual([
      'http://t1',
      'http://t2',
      'http://risk:4021',
    ]);
    r.reportFailure(r.instances('trading')[0]!);
    expect([r.resolve('trading')?.url, r.resolve('trading')?.url]).toEqual([
      'http://t2',
      'http://t2',
    ]);
    expect(r.resolve('broker')).toBeNull();
  });
});
