import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultSpec, seededRandom } from '../../../src/emulator/faults.js';

describe('parseFaultSpec', () => {
  it.each([
    ['status=503', { kind: 'status', status: 503 }],
    ['status', { kind: 'status', status: 503 }],
    ['drop', { kind: 'drop' }],
    ['ambiguous', { kind: 'ambiguous', status: 502 }],
    ['ambiguous=500', { kind: 'ambiguous', status: 500 }],
    ['ambiguous=drop', { kind: 'ambiguous', drop: true }],
    ['429', { kind: 'rate-limit' }],
    ['latency=250', { latencyMs: 250 }],
    ['latency=10, status=500', { latencyMs: 10, kind: 'status', status: 500 }],
  ])('%s', (spec, expected) => {
    expect(parseFaultSpec(spec)).toEqual(expected);
  });

  it.each([
    ['status=404', 'status must be a 5xx code, got 404'],
    ['ambiguous=maybe', "ambiguous takes 'drop' or a 5xx code, got maybe"],
    ['latency=-1', 'latency must be milliseconds >= 0, got -1'],
    ['boom', "unknown fault 'boom' (expected status, drop, ambiguous, 429, latency)"],
  ])('%s is refused', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe('FaultInjector', () => {
  it('turns an ambiguous failure of a read into a plain one', () => {
    const f = new FaultInjector();
    expect(f.decide('get-contact', false, 'ambiguous')).toEqual({ latencyMs: 0, kind: 'status', status: 502 });
    expect(f.decide('get-contact', false, 'ambiguous=drop')).toEqual({ latencyMs: 0, kind: 'drop' });
  });

  it('never picks ambiguous for a read at the configured rate', () => {
    const f = new FaultInjector({ ambiguousRate: 1 });
    expect(f.decide('get-contact', false, undefined).kind).toBeUndefined();
    expect(f.decide('upsert-contact', true, undefined).kind).toBe('ambiguous');
  });

  it('replays the same decisions from the same seed', () => {
    const run = () => {
      const f = new FaultInjector({ failRate: 0.2, dropRate: 0.2, ambiguousRate: 0.2, rateLimitRate: 0.1, latencyJitterMs: 50, seed: 9 });
      return Array.from({ length: 200 }, () => f.decide('upsert-contact', true, undefined));
    };
    const a = run();
    expect(run()).toEqual(a);
    const kinds = new Set(a.map((d) => d.kind));
    expect(kinds).toEqual(new Set([undefined, 'status', 'drop', 'ambiguous', 'rate-limit']));
  });

  it('adds latency spikes at the configured share, on top of the fixed latency', () => {
    const f = new FaultInjector({ latencyMs: 10, spikeRate: 0.1, spikeMs: 700, seed: 3 });
    const latencies = Array.from({ length: 2000 }, () => f.decide('get-contact', false, undefined).latencyMs);
    expect(new Set(latencies)).toEqual(new Set([10, 710]));
    const spikes = latencies.filter((l) => l === 710).length;
    expect(spikes).toBeGreaterThan(140);
    expect(spikes).toBeLessThan(260);
  });

  it('replays a seed without spikes exactly as before spikes existed', () => {
    const withField = new FaultInjector({ failRate: 0.3, seed: 5, spikeRate: 0 });
    const without = new FaultInjector({ failRate: 0.3, seed: 5 });
    const a = Array.from({ length: 100 }, () => withField.decide('upsert-contact', true, undefined));
    expect(Array.from({ length: 100 }, () => without.decide('upsert-contact', true, undefined))).toEqual(a);
    const r = seededRandom(5);
    expect(a.map((d) => d.kind === 'status')).toEqual(Array.from({ length: 100 }, () => { const hit = r() < 0.3; if (hit) r(); return hit; }));
  });

  it('serves a scripted plan before the rates, matching the operation', () => {
    const f = new FaultInjector();
    f.schedule([{ fault: 'drop', count: 2, operation: 'create-note' }, { fault: '429' }]);
    expect(f.pending()).toBe(3);
    expect(f.decide('get-contact', false, undefined).kind).toBe('rate-limit');
    expect(f.decide('create-note', true, undefined).kind).toBe('drop');
    expect(f.decide('create-note', true, undefined).kind).toBe('drop');
    expect(f.decide('create-note', true, undefined).kind).toBeUndefined();
    expect(f.pending()).toBe(0);
  });

  it('refuses a bad plan whole', () => {
    const f = new FaultInjector();
    expect(() => f.schedule([{ fault: 'drop' }, { fault: 'nope' }])).toThrow("unknown fault 'nope'");
    expect(f.pending()).toBe(0);
  });
});
