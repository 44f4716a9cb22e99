import { describe, expect, it } from 'vitest';
import { clusterByKeys, hashKey, StreamingClusters, UnionFind } from '../../../src/dedup/union-find.js';

describe('UnionFind', () => {
  it('joins sets and finds their root', () => {
    const u = new UnionFind(5);
    u.union(0, 1);
    u.union(3, 4);
    expect(u.find(0)).toBe(u.find(1));
    expect(u.find(3)).toBe(u.find(4));
    expect(u.find(0)).not.toBe(u.find(3));
    expect(u.find(2)).toBe(2);
    u.union(1, 4);
    expect(new Set([0, 1, 3, 4].map((x) => u.find(x))).size).toBe(1);
  });

  it('rejects a bad size and an element out of range', () => {
    expect(() => new UnionFind(-1)).toThrow('Expected `size` to be an integer >= 0, got `-1` (number)');
    expect(() => new UnionFind(2).find(2)).toThrow(RangeError);
  });
});

describe('clusterByKeys', () => {
  it.each<[string, Array<{ id: number; keys: string[] }>, number[][]]>([
    ['nothing', [], []],
    ['no shared keys: one cluster each', [{ id: 1, keys: ['email:a'] }, { id: 2, keys: ['email:b'] }, { id: 3, keys: [] }], [[1], [2], [3]]],
    ['a shared email', [{ id: 1, keys: ['email:a'] }, { id: 2, keys: ['email:b'] }, { id: 3, keys: ['email:a'] }], [[1, 3], [2]]],
    [
      'transitive: A-B by email, B-C by phone',
      [
        { id: 1, keys: ['email:a', 'phone:1'] },
        { id: 2, keys: ['email:a', 'phone:2'] },
        { id: 3, keys: ['email:c', 'phone:2'] },
        { id: 4, keys: ['email:d'] },
      ],
      [[1, 2, 3], [4]],
    ],
    [
      'joined late: two clusters bridged by the last row',
      [
        { id: 10, keys: ['email:a'] },
        { id: 20, keys: ['email:b'] },
        { id: 30, keys: ['email:a'] },
        { id: 40, keys: ['email:b'] },
        { id: 50, keys: ['email:b', 'phone:9', 'email:a'] },
      ],
      [[10, 20, 30, 40, 50]],
    ],
    [
      'ordered by first appearance, not by id',
      [
        { id: 9, keys: ['email:z'] },
        { id: 2, keys: ['email:y'] },
        { id: 5, keys: ['email:z'] },
      ],
      [[9, 5], [2]],
    ],
    ['a key repeated inside one row', [{ id: 1, keys: ['email:a', 'email:a'] }], [[1]]],
  ])('%s', (_name, items, expected) => {
    expect(clusterByKeys(items)).toEqual(expected);
  });

  it('10,000 rows: chains of three joined transitively, every row in exactly one cluster', () => {
    // Rows come in triples far apart in the file: i has an email, i+3333 shares it and has a phone,
    // i+6666 shares that phone. Every 100th triple also shares a phone with the next triple.
    const n = 9999;
    const third = n / 3;
    const items: Array<{ id: number; keys: string[] }> = [];
    for (let i = 0; i < n; i++) {
      const t = i % third;
      const part = Math.floor(i / third);
      const keys =
        part === 0 ? [`email:${t}@x.com`] : part === 1 ? [`email:${t}@x.com`, `phone:+1${t}`] : [`phone:+1${t}`, `email:other${t}@x.com`];
      if (part === 0 && t % 100 === 0 && t + 1 < third) keys.push(`phone:+9${t}`);
      if (part === 2 && t % 100 === 1) keys.push(`phone:+9${t - 1}`);
      items.push({ id: i + 1, keys });
    }
    items.push({ id: 10_000, keys: [] });

    const clusters = clusterByKeys(items);

    const bridged = Math.ceil(third / 100);
    expect(clusters).toHaveLength(third - bridged + 1);
    const all = clusters.flat();
    expect(all).toHaveLength(10_000);
    expect(new Set(all).size).toBe(10_000);

    expect(clusters[0]).toEqual([1, 2, 1 + third, 2 + third, 1 + 2 * third, 2 + 2 * third]);
    expect(clusters[1]).toEqual([3, 3 + third, 3 + 2 * third]);
    expect(clusters.at(-1)).toEqual([10_000]);
    // Deterministic order: each cluster starts with a row of the first third, in file order.
    expect(clusters.slice(0, -1).map((c) => c[0])).toEqual(
      Array.from({ length: third }, (_, t) => t + 1).filter((id) => (id - 1) % 100 !== 1),
    );
  });

  it('10,000 rows in one long chain (the worst case for naive merging) make one cluster in file order', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, keys: [`k:${i}`, `k:${i + 1}`] }));
    const clusters = clusterByKeys(items.reverse());
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toEqual(Array.from({ length: 10_000 }, (_, i) => 10_000 - i));
  });
});

describe('StreamingClusters', () => {
  /** Adds the items (ids 1..n in order), answering `holds` from the items themselves, and reads the clusters back at their last records. */
  function streamed(items: Array<{ id: number; keys: string[] }>, expectedRecords?: number): { clusters: number[][]; asked: number } {
    const byId = new Map(items.map((i) => [i.id, i.keys]));
    let asked = 0;
    const sc = new StreamingClusters({
      holds: (record, key) => {
        asked++;
        return byId.get(record)!.includes(key);
      },
      ...(expectedRecords === undefined ? {} : { expectedRecords }),
    });
    for (const item of items) sc.add(item.id, item.keys);
    sc.finish();
    const clusters: number[][] = [];
    for (const item of items) if (sc.isLast(item.id)) clusters.push(sc.members(item.id));
    expect(sc.clusters).toBe(clusters.length);
    return { clusters: clusters.sort((a, b) => a[0]! - b[0]!), asked };
  }

  it.each<[string, Array<{ id: number; keys: string[] }>, number[][]]>([
    ['nothing', [], []],
    ['no shared keys: one cluster each', [{ id: 1, keys: ['email:a'] }, { id: 2, keys: ['email:b'] }, { id: 3, keys: [] }], [[1], [2], [3]]],
    ['a shared email', [{ id: 1, keys: ['email:a'] }, { id: 2, keys: ['email:b'] }, { id: 3, keys: ['email:a'] }], [[1, 3], [2]]],
    [
      'transitive: A-B by email, B-C by phone',
      [
        { id: 1, keys: ['email:a', 'phone:1'] },
        { id: 2, keys: ['email:a', 'phone:2'] },
        { id: 3, keys: ['email:c', 'phone:2'] },
        { id: 4, keys: ['email:d'] },
      ],
      [[1, 2, 3], [4]],
    ],
    [
      'joined late: two clusters bridged by the last row',
      [
        { id: 1, keys: ['email:a'] },
        { id: 2, keys: ['phone:9'] },
        { id: 3, keys: ['email:a'] },
        { id: 4, keys: ['phone:9'] },
        { id: 5, keys: ['email:a', 'phone:9'] },
      ],
      [[1, 2, 3, 4, 5]],
    ],
    [
      'records with gaps (failed rows are never added)',
      [
        { id: 2, keys: ['email:a'] },
        { id: 5, keys: ['email:b'] },
        { id: 9, keys: ['email:a'] },
      ],
      [[2, 9], [5]],
    ],
    [
      'keys whose 32-bit hashes collide stay apart',
      [
        { id: 1, keys: ['email:p761679@x.io'] },
        { id: 2, keys: ['email:p1092730@x.io'] },
        { id: 3, keys: ['email:p1092730@x.io'] },
      ],
      [[1], [2, 3]],
    ],
  ])('%s', (_name, items, expected) => {
    expect(streamed(items).clusters).toEqual(expected);
  });

  it('the colliding keys of the last case really share a hash', () => {
    expect(hashKey('email:p761679@x.io')).toBe(hashKey('email:p1092730@x.io'));
  });

  it('agrees with clusterByKeys and with UnionFind roots on a larger random file, growing from tiny arrays', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const items = Array.from({ length: 5000 }, (_, i) => ({
      id: i + 1,
      keys: [...(rnd() < 0.9 ? [`email:${Math.floor(rnd() * 3000)}`] : []), ...(rnd() < 0.7 ? [`phone:${Math.floor(rnd() * 3000)}`] : [])],
    }));
    const { clusters, asked } = streamed(items, 1);
    const expected = clusterByKeys(items).map((c) => c.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
    expect(clusters).toEqual(expected);
    // `holds` is asked about real duplicates (and the rare hash collision), not about every key.
    expect(asked).toBeLessThan(items.length * 2);

    // The roots are UnionFind's for the same unions in the same order.
    const uf = new UnionFind(items.length + 1);
    const first = new Map<string, number>();
    for (const item of items) for (const k of item.keys) first.has(k) ? uf.union(first.get(k)!, item.id) : first.set(k, item.id);
    const sc = new StreamingClusters({ holds: (r, k) => items[r - 1]!.keys.includes(k) });
    for (const item of items) sc.add(item.id, item.keys);
    sc.finish();
    for (const item of items) expect(sc.rootOf(item.id)).toBe(uf.find(item.id));
  });

  it('rejects records out of order, reads before finish, and bad options', () => {
    const sc = new StreamingClusters({ holds: () => true });
    sc.add(3, []);
    expect(() => sc.add(3, [])).toThrow('Expected `record` to be an integer > 3, got `3`');
    expect(() => sc.isLast(3)).toThrow('call finish() first');
    sc.finish();
    expect(() => sc.add(4, [])).toThrow('after finish');
    expect(sc.has(2)).toBe(false);
    expect(sc.isLast(2)).toBe(false);
    expect(() => sc.members(2)).toThrow(RangeError);
    expect(() => new StreamingClusters({ holds: undefined as never })).toThrow('Expected `holds` to be a function');
    expect(() => new StreamingClusters({ holds: () => true, expectedRecords: 0 })).toThrow('Expected `expectedRecords` to be an integer >= 1, got `0` (number)');
  });
});
