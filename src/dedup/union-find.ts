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

export interface StreamingClustersOptions {
  /**
   * Whether `record` (added before, or being added) holds `key`. Asked only
   * when a key's 32-bit hash equals one already seen: for a real duplicate,
   * or for a hash collision, which this answer tells apart. The caller keeps
   * the keys (on disk, say); the clusters keep none.
   */
  holds: (record: number, key: string) => boolean;
  /** Records expected, to size the arrays; they grow by doubling past it. @default 1024 */
  expectedRecords?: number;
}

/**
 * Clusters of records that share a key, built while the records are read, in
 * typed arrays only: 12 bytes per record for the clusters, and while adding,
 * an open-addressing table of 8 bytes per slot (key hash and first holder) at
 * most 70% full. No string and no object is kept per record or per key, so
 * a file of millions of rows clusters in tens of megabytes.
 *
 * Records are numbered from 1 and added in increasing order; each key joins
 * the record to the first record that held it, by union by size and path
 * halving as in {@link UnionFind}, so the roots are the ones UnionFind gives
 * for the same unions in the same order. After {@link finish}, each cluster
 * can be read back at its last record.
 */
export class StreamingClusters {
  /** parent[r], 0 for a record never added. After finish: the root. */
  private parent: Int32Array;
  /** While adding: set sizes by root. After finish: the last record of each root's cluster. */
  private size: Int32Array;
  /** After finish: the previous record of the same cluster, 0 for its first. */
  private prev: Int32Array | undefined;
  private hashes: Int32Array;
  private holders: Int32Array;
  private keyCount = 0;
  private lastAdded = 0;
  private finished = false;
  private clusterCount = 0;
  private readonly holds: (record: number, key: string) => boolean;

  constructor(options: StreamingClustersOptions) {
    if (typeof options.holds !== 'function') {
      throw new TypeError(`Expected \`holds\` to be a function, got \`${String(options.holds)}\` (${typeof options.holds})`);
    }
    const expected = options.expectedRecords ?? 1024;
    if (!Number.isInteger(expected) || expected < 1) {
      throw new TypeError(`Expected \`expectedRecords\` to be an integer >= 1, got \`${expected}\` (${typeof expected})`);
    }
    this.holds = options.holds;
    this.parent = new Int32Array(expected + 1);
    this.size = new Int32Array(expected + 1);
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, expected * 2)));
    this.hashes = new Int32Array(slots);
    this.holders = new Int32Array(slots);
  }

  /** Records added. */
  get records(): number {
    return this.lastAdded;
  }

  /** Clusters, known after {@link finish}. */
  get clusters(): number {
    return this.clusterCount;
  }

  /** Adds `record` (greater than every record added so far) with its keys, joining it to earlier records that held one of them. */
  add(record: number, keys: readonly string[]): void {
    if (this.finished) throw new Error('StreamingClusters.add after finish');
    if (!Number.isInteger(record) || record <= this.lastAdded) {
      throw new RangeError(`Expected \`record\` to be an integer > ${this.lastAdded}, got \`${record}\``);
    }
    if (record >= this.parent.length) this.growRecords(record);
    this.lastAdded = record;
    this.parent[record] = record;
    this.size[record] = 1;
    for (const key of keys) {
      const holder = this.holderOf(key, record);
      if (holder !== record) this.union(holder, record);
    }
  }

  /** Ends adding: frees the key table and links each cluster's records. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.hashes = new Int32Array(0);
    this.holders = new Int32Array(0);
    const parent = this.parent;
    const last = this.size.fill(0);
    const prev = new Int32Array(parent.length);
    for (let r = 1; r <= this.lastAdded; r++) {
      if (parent[r] === 0) continue;
      const root = this.find(r);
      parent[r] = root;
      if (last[root] === 0) this.clusterCount++;
      prev[r] = last[root]!;
      last[root] = r;
    }
    this.prev = prev;
  }

  /** Whether `record` was added. */
  has(record: number): boolean {
    return record > 0 && record < this.parent.length && this.parent[record] !== 0;
  }

  /** The root of `record`'s cluster (the UnionFind root), after {@link finish}. */
  rootOf(record: number): number {
    this.assertFinished();
    if (!this.has(record)) throw new RangeError(`Expected a record that was added, got \`${record}\``);
    return this.parent[record]!;
  }

  /** Whether `record` is the last record of its cluster, after {@link finish}. */
  isLast(record: number): boolean {
    this.assertFinished();
    return this.has(record) && this.size[this.parent[record]!] === record;
  }

  /** The records of the cluster whose last record is `record`, in increasing order, after {@link finish}. */
  members(record: number): number[] {
    if (!this.isLast(record)) throw new RangeError(`Expected the last record of a cluster, got \`${record}\``);
    const out: number[] = [];
    for (let r = record; r !== 0; r = this.prev![r]!) out.push(r);
    return out.reverse();
  }

  private assertFinished(): void {
    if (!this.finished) throw new Error('StreamingClusters: call finish() first');
  }

  /** The first record that held `key`, or `record` when none did (then `record` becomes its holder). */
  private holderOf(key: string, record: number): number {
    const h = hashKey(key);
    let mask = this.holders.length - 1;
    let i = h & mask;
    for (;;) {
      const holder = this.holders[i]!;
      if (holder === 0) break;
      if (this.hashes[i] === h && this.holds(holder, key)) return holder;
      i = (i + 1) & mask;
    }
    this.hashes[i] = h;
    this.holders[i] = record;
    this.keyCount++;
    if (this.keyCount * 10 > this.holders.length * 7) {
      this.growKeys();
      mask = this.holders.length - 1;
    }
    return record;
  }

  private growKeys(): void {
    const oldHashes = this.hashes;
    const oldHolders = this.holders;
    const hashes = new Int32Array(oldHolders.length * 2);
    const holders = new Int32Array(oldHolders.length * 2);
    const mask = holders.length - 1;
    for (let j = 0; j < oldHolders.length; j++) {
      const holder = oldHolders[j]!;
      if (holder === 0) continue;
      const h = oldHashes[j]!;
      let i = h & mask;
      while (holders[i] !== 0) i = (i + 1) & mask;
      hashes[i] = h;
      holders[i] = holder;
    }
    this.hashes = hashes;
    this.holders = holders;
  }

  private growRecords(record: number): void {
    let n = this.parent.length;
    while (n <= record) n *= 2;
    const parent = new Int32Array(n);
    parent.set(this.parent);
    const size = new Int32Array(n);
    size.set(this.size);
    this.parent = parent;
    this.size = size;
  }

  private find(x: number): number {
    const parent = this.parent;
    let p = parent[x]!;
    while (p !== x) {
      const grand = parent[p]!;
      parent[x] = grand;
      x = grand;
      p = parent[x]!;
    }
    return x;
  }

  private union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = this.size[ra]! + this.size[rb]!;
  }
}

/** FNV-1a over the UTF-16 code units: 32 bits, as a signed integer. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
