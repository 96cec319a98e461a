/**
 * Baskets as a compact structure: item names interned to ids, all baskets in one flat
 * Int32Array with offsets (a million baskets would otherwise be a million small arrays).
 * Items repeated within a basket count once: association rules are about presence.
 */

export interface TransactionSet {
  readonly itemNames: readonly string[];
  /** offsets[i]..offsets[i+1] delimit basket i in `items`; length = baskets + 1. */
  readonly offsets: Int32Array;
  readonly items: Int32Array;
}

export function transactionCount(t: TransactionSet): number {
  return t.offsets.length - 1;
}

export class TransactionBuilder {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private items = new Int32Array(1024);
  private length = 0;
  private offsets: number[] = [0];

  private id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  /** Adds one basket (its items, in any order, repeats allowed). */
  add(items: Iterable<string>): void {
    const start = this.length;
    for (const name of items) {
      const id = this.id(name);
      // Baskets are short: a linear scan of the basket is cheaper than a set.
      let dup = false;
      for (let k = start; k < this.length; k++) {
        if (this.items[k] === id) {
          dup = true;
          break;
        }
      }
      if (dup) continue;
      if (this.length === this.items.length) {
        const next = new Int32Array(this.items.length * 2);
        next.set(this.items);
        this.items = next;
      }
      this.items[this.length++] = id;
    }
    this.offsets.push(this.length);
  }

  build(): TransactionSet {
    return {
      itemNames: [...this.names],
      offsets: Int32Array.from(this.offsets),
      items: this.items.slice(0, this.length),
    };
  }
}
