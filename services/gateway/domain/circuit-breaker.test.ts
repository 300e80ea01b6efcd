import { afterEach, describe, expect, test, vi } from 'vitest';
import { CallSignal } from './call-signal.js';
import {
  createCircuitBreaker,
  type BreakerState,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';

function setup(over: Partial<CircuitBreakerOptions> = {}) {
  const clock = { t: 0 };
  const changes: string[] = [];
  const breaker = createCircuitBreaker({
    name: 'trading',
    windowSize: 10,
    minimumCalls: 10,
    openStateMs: 10_000,
    halfOpenTrials: 3,
    now: () => clock.t,
    onStateChange: (to: BreakerState, from: BreakerState) => changes.push(`${from}→${to}`),
    ...over,
  });
  const ok = () =>
    breaker.execute(async () => ({ status: 200 }), { isFailure: (r) => r.status >= 500 });
  const status = (s: number) =>
    breaker.execute(async () => ({ status: s }), { isFailure: (r) => r.status >= 500 });
  const fail = () =>
    breaker.execute(async () => Promise.reject(new Error('ECONNREFUSED'))).catch((e: Error) => e);
  return { breaker, clock, changes, ok, fail, status };
}

async function times(n: number, f: () => Promise<unknown>) {
  for (let i = 0; i < n; i += 1) await f();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('circuit breaker', () => {
  test('stays closed before the minimum number of calls, even at 100 % failures', async () => {
    const { breaker, fail } = setup();
    await times(9, fail);
    expect(breaker.state).toBe('closed');
    expect(breaker.window).toEqual({ calls: 9, failures: 9 });
    await fail();
    expect(breaker.state).toBe('open');
  });

  test('opens at exactly 50 % (≥, not >)', async () => {
    const { breaker, ok, fail } = setup();
    await times(5, ok);
    await times(4, fail);
    expect(breaker.state).toBe('closed');
    await fail();
    expect(breaker.state).toBe('open');
  });

  test('49 % over a window of 100 does not open', async () => {
    const { breaker, ok, fail } = setup({ windowSize: 100, minimumCalls: 100 });
    await times(51, ok);
    await times(49, fail);
    expect(breaker.window).toEqual({ calls: 100, failures: 49 });
    expect(breaker.state).toBe('closed');
  });

  test('the window slides: old outcomes drop out', async () => {
    const { breaker, ok, fail } = setup();
    await times(4, fail);
    await times(10, ok);
    expect(breaker.window).toEqual({ calls: 10, failures: 0 });
    await times(4, fail);
    expect(breaker.state).toBe('closed');
    await fail();
    expect(breaker.state).toBe('open');
  });

  test('4xx answers are successes; 5xx are failures', async () => {
    const { breaker, status } = setup();
    await times(10, () => status(404));
    expect(breaker.window).toEqual({ calls: 10, failures: 0 });
    await times(5, () => status(503));
    expect(breaker.state).toBe('open');
  });

  test('open: rejects immediately with 503 and Retry-After, without calling the upstream', async () => {
    const { breaker, clock, fail } = setup();
    await times(10, fail);
    clock.t += 2_500;
    const fn = vi.fn(async () => 'never');
    await expect(breaker.execute(fn)).rejects.toMatchObject({
      code: 'ALP_GATEWAY_CIRCUIT_OPEN',
      statusCode: 503,
      retryAfterSec: 8,
      message: 'upstream trading is unavailable (circuit open)',
    });
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.stateValue).toBe(2);
  });

  test('after the open wait: half-open lets the trial calls through; all succeed → closed', async () => {
    const { breaker, clock, fail, changes } = setup();
    await times(10, fail);
    clock.t += 10_000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.stateValue).toBe(1);
    const release: (() => void)[] = [];
    const trial = () =>
      breaker.execute(() => new Promise<string>((r) => release.push(() => r('ok'))));
    const trials = [trial(), trial(), trial()];
    await expect(breaker.execute(async () => 'fourth')).rejects.toMatchObject({
      code: 'ALP_GATEWAY_CIRCUIT_OPEN',
      retryAfterSec: 1,
    });
    release.forEach((r) => r());
    await expect(Promise.all(trials)).resolves.toEqual(['ok', 'ok', 'ok']);
    expect(breaker.state).toBe('closed');
    expect(breaker.window).toEqual({ calls: 0, failures: 0 });
    expect(changes).toEqual(['closed→open', 'open→half-open', 'half-open→closed']);
  });

  test('half-open: a failed trial opens again for another full wait', async () => {
    const { breaker, clock, fail, ok, changes } = setup();
    await times(10, fail);
    clock.t += 10_000;
    await ok();
    await fail();
    expect(breaker.state).toBe('open');
    clock.t += 9_999;
    expect(breaker.state).toBe('open');
    clock.t += 1;
    expect(breaker.state).toBe('half-open');
    expect(changes).toEqual(['closed→open', 'open→half-open', 'half-open→open', 'open→half-open']);
  });

  test('a call outliving the timeout is aborted, answered 504, and counted as a failure', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { breaker } = setup({ callTimeoutMs: 5_000 });
    let seen: CallSignal | undefined;
    const p = breaker.execute(
      (signal) =>
        new Promise((_r, reject) => {
          seen = signal;
          signal.once('abort', () => reject(signal.reason));
        }),
    );
    const settled = expect(p).rejects.toMatchObject({
      code: 'ALP_GATEWAY_UPSTREAM_TIMEOUT',
      statusCode: 504,
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await settled;
    expect(seen?.aborted).toBe(true);
    expect(breaker.window).toEqual({ calls: 1, failures: 1 });
  });

  test('a call that ignores its signal still cannot hold the caller past the timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { breaker } = setup({ callTimeoutMs: 5_000 });
    const p = breaker.execute(() => new Promise(() => undefined));
    const settled = expect(p).rejects.toMatchObject({ code: 'ALP_GATEWAY_UPSTREAM_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(5_000);
    await settled;
  });

  test('a call abandoned by the client is not recorded', async () => {
    const { breaker } = setup();
    const client = new CallSignal();
    const p = breaker.execute(
      (signal) =>
        new Promise((_r, reject) => signal.once('abort', () => reject(new Error('aborted')))),
      { signal: client },
    );
    client.abort();
    await expect(p).rejects.toThrow('aborted');
    expect(breaker.window).toEqual({ calls: 0, failures: 0 });
  });

  test('a finished call leaves no listener on the client signal', async () => {
    const { breaker } = setup();
    const client = new CallSignal();
    await breaker.execute(async () => 'ok', { signal: client });
    await breaker
      .execute(async () => Promise.reject(new Error('refused')), { signal: client })
      .catch(() => undefined);
    expect(client.listenerCount('abort')).toBe(0);
  });

  test('a slow call from before a transition does not count afterwards', async () => {
    const { breaker, clock, fail } = setup();
    let finish!: () => void;
    const slow = breaker.execute(() => new Promise<void>((r) => (finish = r)));
    await times(10, fail);
    clock.t += 10_000;
    expect(breaker.state).toBe('half-open');
    finish();
    await slow;
    expect(breaker.state).toBe('half-open');
  });

  test('refuses minimumCalls larger than the window', () => {
    expect(() => createCircuitBreaker({ name: 'x', windowSize: 5, minimumCalls: 6 })).toThrow(
      'minimumCalls must be between 1 and windowSize',
    );
  });
});
