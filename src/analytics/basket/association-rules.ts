/**
 * Association rules from frequent itemsets. A rule X ⇒ Y is read off every frequent itemset
 * S = X ∪ Y; the support of X and Y comes from the itemsets themselves (every subset of a
 * frequent itemset is frequent), so no basket is re-read.
 *
 *   support    = n(X ∪ Y) / N
 *   confidence = n(X ∪ Y) / n(X)
 *   lift       = confidence / supp(Y)
 *   leverage   = supp(X ∪ Y) − supp(X) · supp(Y)
 *   conviction = (1 − supp(Y)) / (1 − confidence), infinite (null) when confidence = 1
 */
import type { FrequentItemset } from './fp-growth.js';

export interface AssociationRule {
  readonly lhs: string[];
  readonly rhs: string[];
  readonly support: number;
  readonly confidence: number;
  readonly lift: number;
  readonly leverage: number;
  /** null when confidence is 1 (conviction is infinite). */
  readonly conviction: number | null;
  readonly count: number;
}

export interface RuleOptions {
  readonly transactions: number;
  readonly minConfidence: number;
  /** Items in a rule, left and right together. */
  readonly minLength: number;
  readonly maxLength: number;
  /** Largest right-hand side (1 = one consequent item, as arules does). */
  readonly maxRhs: number;
}

/** Safety valves: generation stops once this many rules are kept or candidates examined. */
export interface RuleLimits {
  readonly maxRules: number;
  readonly maxCandidates: number;
}

export function associationRules(
  itemsets: readonly FrequentItemset[],
  names: readonly string[],
  options: RuleOptions,
): AssociationRule[] {
  return boundedAssociationRules(itemsets, names, options, {
    maxRules: Infinity,
    maxCandidates: Infinity,
  }).rules;
}

const keyOf = (items: readonly number[]) => items.join(',');

/** Every k-subset of a sorted list (k small). */
function subsets(items: readonly number[], k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const rec = (start: number) => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i <= items.length - (k - pick.length); i++) {
      pick.push(items[i] as number);
      rec(i + 1);
      pick.pop();
    }
  };
  rec(0);
  return out;
}

/** Rules as `associationRules`, stopping at the limits; `stopped` says which one was hit. */
export function boundedAssociationRules(
  itemsets: readonly FrequentItemset[],
  names: readonly string[],
  options: RuleOptions,
  limits: RuleLimits,
): { rules: AssociationRule[]; stopped: 'rules' | 'candidates' | null } {
  const n = options.transactions;
  const counts = new Map<string, number>();
  for (const s of itemsets) counts.set(keyOf(s.items), s.count);
  const rules: AssociationRule[] = [];
  // Confidence exactly at the threshold passes (0.25 = 60/240 must not be lost to rounding).
  const minConf = options.minConfidence * (1 - 1e-12);
  const minLen = Math.max(2, options.minLength);
  let candidates = 0;
  for (const s of itemsets) {
    if (rules.length >= limits.maxRules) return { rules, stopped: 'rules' };
    if (candidates >= limits.maxCandidates) return { rules, stopped: 'candidates' };
    const size = s.items.length;
    if (size < minLen || size > options.maxLength) continue;
    for (let k = 1; k <= Math.min(options.maxRhs, size - 1); k++) {
      for (const rhs of subsets(s.items, k)) {
        candidates++;
        const lhs = s.items.filter((i) => !rhs.includes(i));
        const nLhs = counts.get(keyOf(lhs));
        const nRhs = counts.get(keyOf(rhs));
        if (nLhs === undefined || nRhs === undefined) continue; // truncated mining only
        const confidence = s.count / nLhs;
        if (confidence < minConf) continue;
        const support = s.count / n;
        const suppRhs = nRhs / n;
        const suppLhs = nLhs / n;
        rules.push({
          lhs: lhs.map((i) => names[i] as string).sort(),
          rhs: rhs.map((i) => names[i] as string).sort(),
          support,
          confidence,
          lift: confidence / suppRhs,
          leverage: support - suppLhs * suppRhs,
          conviction: confidence >= 1 ? null : (1 - suppRhs) / (1 - confidence),
          count: s.count,
        });
      }
    }
  }
  return { rules, stopped: null };
}

export type RuleOrder = 'lift' | 'confidence' | 'support' | 'count' | 'leverage';

/** Sorts rules by a measure, descending; ties by support, then by the items' names. */
export function sortRules(rules: AssociationRule[], by: RuleOrder): AssociationRule[] {
  const label = (r: AssociationRule) => `${r.lhs.join(',')}=>${r.rhs.join(',')}`;
  return rules.sort(
    (a, b) =>
      b[by] - a[by] ||
      b.support - a.support ||
      (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0),
  );
}
