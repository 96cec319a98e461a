/**
 * Frequent itemsets by FP-growth (Han, Pei & Yin 2000): one pass to count items, one pass to
 * build a prefix tree of the baskets with items in descending frequency, then recursive mining
 * of conditional trees. No candidate generation, so a million baskets stay in memory as one
 * tree of shared prefixes. Nodes live in growable typed arrays, children in one hash map keyed
 * by (parent, item).
 */
import type { TransactionSet } from './transactions.js';

export interface FrequentItemset {
  /** Item ids (into TransactionSet.itemNames), ascending. */
  readonly items: readonly number[];
  readonly count: number;
}

export interface FpGrowthOptions {
  /** Minimum number of baskets containing the itemset. */
  readonly minCount: number;
  readonly maxLength: number;
  /** Safety valve: stop and report when more itemsets than this would be produced. */
  readonly maxItemsets?: number;
}

export interface FpGrowthResult {
  readonly itemsets: FrequentItemset[];
  /** Baskets containing each item (by item id). */
  readonly itemCounts: Int32Array;
  /** True when maxItemsets stopped the mining early. */
  readonly truncated: boolean;
}

class FpTree {
  item: Int32Array;
  count: Float64Array;
  parent: Int32Array;
  next: Int32Array;
  size = 1; // node 0 is the root
  readonly children = new Map<number, number>();
  /** First and last node of each item's header chain (by rank). */
  readonly head: Int32Array;
  readonly tail: Int32Array;

  constructor(
    readonly ranks: number,
    capacity = 64,
  ) {
    this.item = new Int32Array(capacity).fill(-1);
    this.count = new Float64Array(capacity);
    this.parent = new Int32Array(capacity).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
    this.head = new Int32Array(ranks).fill(-1);
    this.tail = new Int32Array(ranks).fill(-1);
  }

  private grow(): void {
    const cap = this.item.length * 2;
    const copy = <T extends Int32Array | Float64Array>(a: T, fill: number): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.fill(fill);
      b.set(a);
      return b;
    };
    this.item = copy(this.item, -1);
    this.count = copy(this.count, 0);
    this.parent = copy(this.parent, -1);
    this.next = copy(this.next, -1);
  }

  /** Inserts a path of ranks (ascending = most frequent first) with a count. */
  insert(path: ArrayLike<number>, len: number, count: number): void {
    let node = 0;
    for (let k = 0; k < len; k++) {
      const r = path[k] as number;
      const key = node * this.ranks + r;
      let child = this.children.get(key);
      if (child === undefined) {
        if (this.size === this.item.length) this.grow();
        child = this.size++;
        this.item[child] = r;
        this.parent[child] = node;
        this.children.set(key, child);
        if (this.head[r] === -1) this.head[r] = child;
        else this.next[this.tail[r] as number] = child;
        this.tail[r] = child;
      }
      this.count[child] = (this.count[child] as number) + count;
      node = child;
    }
  }
}

/** Mines every itemset contained in at least minCount baskets, up to maxLength items. */
export function fpGrowth(t: TransactionSet, options: FpGrowthOptions): FpGrowthResult {
  const nItems = t.itemNames.length;
  const n = t.offsets.length - 1;
  const itemCounts = new Int32Array(nItems);
  for (let k = 0; k < t.items.length; k++) itemCounts[t.items[k] as number]!++;
  const minCount = Math.max(1, options.minCount);
  // Frequent items by descending count (ties by id), so shared prefixes are long.
  const frequent: number[] = [];
  for (let i = 0; i < nItems; i++) if ((itemCounts[i] as number) >= minCount) frequent.push(i);
  frequent.sort((a, b) => (itemCounts[b] as number) - (itemCounts[a] as number) || a - b);
  const rankOf = new Int32Array(nItems).fill(-1);
  frequent.forEach((item, r) => (rankOf[item] = r));
  const ranks = frequent.length;
  const out: FrequentItemset[] = [];
  const maxItemsets = options.maxItemsets ?? 5_000_000;
  let truncated = false;
  if (ranks === 0 || options.maxLength < 1) return { itemsets: out, itemCounts, truncated };

  const tree = new FpTree(ranks, 1024);
  const path = new Int32Array(Math.max(1, ranks));
  for (let i = 0; i < n; i++) {
    let len = 0;
    for (let k = t.offsets[i] as number; k < (t.offsets[i + 1] as number); k++) {
      const r = rankOf[t.items[k] as number] as number;
      if (r >= 0) path[len++] = r;
    }
    if (len === 0) continue;
    // Insertion sort: baskets are short.
    for (let a = 1; a < len; a++) {
      const v = path[a] as number;
      let b = a - 1;
      while (b >= 0 && (path[b] as number) > v) {
        path[b + 1] = path[b] as number;
        b--;
      }
      path[b + 1] = v;
    }
    tree.insert(path, len, 1);
  }

  const suffix: number[] = [];
  const emit = (rank: number, count: number) => {
    if (out.length >= maxItemsets) {
      truncated = true;
      return false;
    }
    const items = [...suffix, frequent[rank] as number].sort((a, b) => a - b);
    out.push({ items, count });
    return true;
  };

  const mine = (tr: FpTree, rankMap: Int32Array | null): void => {
    // rankMap maps the conditional tree's ranks back to global ranks.
    for (let r = tr.ranks - 1; r >= 0; r--) {
      if (truncated) return;
      let support = 0;
      for (let node = tr.head[r] as number; node !== -1; node = tr.next[node] as number) {
        support += tr.count[node] as number;
      }
      if (support < minCount) continue;
      const global = rankMap ? (rankMap[r] as number) : r;
      if (!emit(global, support)) return;
      if (suffix.length + 1 >= options.maxLength) continue;
      // Conditional pattern base of r: the prefix path above each of its nodes.
      const condCounts = new Float64Array(r);
      for (let node = tr.head[r] as number; node !== -1; node = tr.next[node] as number) {
        const c = tr.count[node] as number;
        for (let p = tr.parent[node] as number; p > 0; p = tr.parent[p] as number) {
          condCounts[tr.item[p] as number]! += c;
        }
      }
      const keep: number[] = [];
      for (let k = 0; k < r; k++) if ((condCounts[k] as number) >= minCount) keep.push(k);
      if (keep.length === 0) continue;
      // Conditional ranks follow the parent tree's order (already by descending global count).
      const local = new Int32Array(r).fill(-1);
      keep.forEach((k, i) => (local[k] = i));
      const cond = new FpTree(keep.length, 64);
      const buf = new Int32Array(keep.length);
      for (let node = tr.head[r] as number; node !== -1; node = tr.next[node] as number) {
        let len = 0;
        for (let p = tr.parent[node] as number; p > 0; p = tr.parent[p] as number) {
          const l = local[tr.item[p] as number] as number;
          if (l >= 0) buf[len++] = l;
        }
        if (len === 0) continue;
        buf.subarray(0, len).reverse();
        cond.insert(buf, len, tr.count[node] as number);
      }
      const condMap = new Int32Array(keep.length);
      keep.forEach((k, i) => (condMap[i] = rankMap ? (rankMap[k] as number) : k));
      suffix.push(frequent[global] as number);
      mine(cond, condMap);
      suffix.pop();
    }
  };
  mine(tree, null);
  return { itemsets: out, itemCounts, truncated };
}
