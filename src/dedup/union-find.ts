/**
 * Disjoint sets over `0..size-1`: union by size and path halving, so a run of
 * n unions and finds costs O(n α(n)), linear for any file we will see.
 */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) {
      throw new TypeError(`Expected \`size\` to be an integer >= 0, got \`${size}\` (${typeof size})`);
    }
    this.parent = new Int32Array(size);
    this.size = new Int32Array(size).fill(1);
    for (let i = 0; i < size; i++) this.parent[i] = i;
  }

  find(x: number): number {
    const parent = this.parent;
    let p = parent[x];
    if (p === undefined) throw new RangeError(`Expected an element in 0..${parent.length - 1}, got \`${x}\``);
    while (p !== x) {
      const grand = parent[p] as number;
      parent[x] = grand;
      x = grand;
      p = parent[x] as number;
    }
    return x;
  }

  /** Joins the sets of `a` and `b`; returns the new root. */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if ((this.size[ra] as number) < (this.size[rb] as number)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] as number) + (this.size[rb] as number);
    return ra;
  }
}

export interface KeyedItem {
  readonly id: number;
  readonly keys: readonly string[];
}

/**
 * Items that share a key, directly or through others, in one cluster: A shares
 * an email with B and B a phone with C -> [A, B, C].
 *
 * Every item is in exactly one cluster (a lone item is a cluster of one), so
 * the caller can account for every row. Deterministic: clusters are ordered
 * by their first item's place in the input, items in a cluster by input order.
 * Returns ids.
 */
export function clusterByKeys(items: readonly KeyedItem[]): number[][] {
  const sets = new UnionFind(items.length);
  const firstHolder = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of item.keys) {
      const holder = firstHolder.get(key);
      if (holder === undefined) firstHolder.set(key, i);
      else sets.union(holder, i);
    }
  });

  const clusterOfRoot = new Map<number, number[]>();
  const clusters: number[][] = [];
  items.forEach((item, i) => {
    const root = sets.find(i);
    let cluster = clusterOfRoot.get(root);
    if (!cluster) {
      cluster = [];
      clusterOfRoot.set(root, cluster);
      clusters.push(cluster);
    }
    cluster.push(item.id);
  });
  return clusters;
}
