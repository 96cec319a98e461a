/**
 * Exact quantities of an absorbing first-order Markov chain over marketing channels: absorption
 * probabilities, expected visits, first/last-touch credit and removal effects, all by linear
 * solve (no simulation). The demo generator uses it to write the attribution ground truth; the
 * data-driven attribution model uses it on the chain it estimates from touchpoint paths.
 */

/** A chain with transient states (channels) and absorbing outcomes (e.g. conversion, null). */
export interface AbsorbingChain {
  readonly states: readonly string[];
  readonly outcomes: readonly string[];
  /** start[i]: probability that a path begins in states[i]; the sum must be 1. */
  readonly start: readonly number[];
  /** transient[i][j]: probability of moving from states[i] to states[j]. */
  readonly transient: readonly (readonly number[])[];
  /** absorbing[i][k]: probability of moving from states[i] to outcomes[k]. */
  readonly absorbing: readonly (readonly number[])[];
}

const TOLERANCE = 1e-9;

function at<T>(items: readonly T[], i: number, what: string): T {
  const v = items[i];
  if (v === undefined) throw new Error(`absorbing chain: ${what} has no index ${i}`);
  return v;
}

/** Checks shapes and that every row (transient + absorbing) and the start vector sum to 1. */
export function validateChain(chain: AbsorbingChain): void {
  const n = chain.states.length;
  const m = chain.outcomes.length;
  if (chain.start.length !== n || chain.transient.length !== n || chain.absorbing.length !== n) {
    throw new Error(`absorbing chain: start, transient and absorbing need ${n} rows`);
  }
  const startSum = chain.start.reduce((s, p) => s + p, 0);
  if (Math.abs(startSum - 1) > TOLERANCE) {
    throw new Error(`absorbing chain: start probabilities sum to ${startSum}, not 1`);
  }
  for (let i = 0; i < n; i++) {
    const q = at(chain.transient, i, 'transient');
    const r = at(chain.absorbing, i, 'absorbing');
    if (q.length !== n || r.length !== m) {
      throw new Error(`absorbing chain: row ${chain.states[i]} has the wrong number of columns`);
    }
    const sum = q.reduce((s, p) => s + p, 0) + r.reduce((s, p) => s + p, 0);
    if (Math.abs(sum - 1) > TOLERANCE || [...q, ...r].some((p) => p < 0)) {
      throw new Error(
        `absorbing chain: probabilities out of ${chain.states[i]} must be ≥ 0 and sum to 1 (${sum})`,
      );
    }
  }
}

/**
 * Solves A X = B for X by Gaussian elimination with partial pivoting (A is n×n, B is n×k).
 * Throws when A is singular, which for I − Q means some state can never be absorbed.
 */
export function solveLinear(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...at(b, i, 'right-hand side')]);
  const width = m[0]?.length ?? 0;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(at(m, r, 'matrix')[col] ?? 0) > Math.abs(at(m, pivot, 'matrix')[col] ?? 0)) {
        pivot = r;
      }
    }
    const pivotRow = at(m, pivot, 'matrix');
    const p = pivotRow[col] ?? 0;
    if (Math.abs(p) < 1e-14)
      throw new Error('absorbing chain: singular system (a state never ends)');
    m[pivot] = at(m, col, 'matrix');
    m[col] = pivotRow;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = at(m, r, 'matrix');
      const f = (row[col] ?? 0) / p;
      if (f === 0) continue;
      for (let c = col; c < width; c++) row[c] = (row[c] ?? 0) - f * (pivotRow[c] ?? 0);
    }
  }
  return m.map((row, i) => row.slice(n).map((v) => v / (row[i] ?? 1)));
}

function identityMinusQ(chain: AbsorbingChain): number[][] {
  return chain.transient.map((row, i) => row.map((q, j) => (i === j ? 1 : 0) - q));
}

/** B = (I − Q)⁻¹ R: probability of ending in each outcome from each state. */
export function absorptionProbabilities(chain: AbsorbingChain): number[][] {
  validateChain(chain);
  return solveLinear(identityMinusQ(chain), chain.absorbing);
}

function outcomeIndex(chain: AbsorbingChain, outcome: string): number {
  const k = chain.outcomes.indexOf(outcome);
  if (k < 0) throw new Error(`absorbing chain: unknown outcome "${outcome}"`);
  return k;
}

/** Probability that a path starting from the start vector ends in the outcome. */
export function outcomeProbability(chain: AbsorbingChain, outcome: string): number {
  const k = outcomeIndex(chain, outcome);
  const b = absorptionProbabilities(chain);
  return chain.start.reduce((s, p, i) => s + p * (at(b, i, 'absorption')[k] ?? 0), 0);
}

/** Expected number of visits to each state per path: start · (I − Q)⁻¹. */
export function expectedVisits(chain: AbsorbingChain): number[] {
  validateChain(chain);
  // Solve (I − Q)ᵀ v = start rather than inverting.
  const n = chain.states.length;
  const aT = identityMinusQ(chain);
  const transposed = aT.map((_, i) => aT.map((row) => row[i] ?? 0));
  const sol = solveLinear(
    transposed,
    chain.start.map((p) => [p]),
  );
  return Array.from({ length: n }, (_, i) => at(sol, i, 'visits')[0] ?? 0);
}

/** The chain with one state removed: every path reaching it is absorbed into `into`. */
export function withoutState(chain: AbsorbingChain, removed: number, into: string): AbsorbingChain {
  const k = outcomeIndex(chain, into);
  return {
    ...chain,
    transient: chain.transient.map((row, i) => (i === removed ? row.map(() => 0) : [...row])),
    absorbing: chain.absorbing.map((row, i) =>
      i === removed ? row.map((_, j) => (j === k ? 1 : 0)) : [...row],
    ),
  };
}

/**
 * Removal effect of each state for an outcome: 1 − P(outcome | state removed) / P(outcome),
 * the removed state's traffic going to `lostInto` (the null outcome).
 */
export function removalEffects(chain: AbsorbingChain, outcome: string, lostInto: string): number[] {
  const base = outcomeProbability(chain, outcome);
  if (base <= 0) throw new Error(`absorbing chain: outcome "${outcome}" is never reached`);
  return chain.states.map(
    (_, i) => 1 - outcomeProbability(withoutState(chain, i, lostInto), outcome) / base,
  );
}

/** Removal effects normalised to shares of the outcome (the data-driven attribution credit). */
export function removalShares(chain: AbsorbingChain, outcome: string, lostInto: string): number[] {
  const effects = removalEffects(chain, outcome, lostInto);
  const total = effects.reduce((s, e) => s + e, 0);
  return effects.map((e) => (total > 0 ? e / total : 0));
}

/** Share of the outcome's paths whose first state is each state (first-touch credit). */
export function firstTouchShares(chain: AbsorbingChain, outcome: string): number[] {
  const k = outcomeIndex(chain, outcome);
  const b = absorptionProbabilities(chain);
  const joint = chain.start.map((p, i) => p * (at(b, i, 'absorption')[k] ?? 0));
  const total = joint.reduce((s, x) => s + x, 0);
  return joint.map((x) => x / total);
}

/** Share of the outcome's paths whose last state is each state (last-touch credit). */
export function lastTouchShares(chain: AbsorbingChain, outcome: string): number[] {
  const k = outcomeIndex(chain, outcome);
  const visits = expectedVisits(chain);
  const joint = visits.map((v, i) => v * (at(chain.absorbing, i, 'absorbing')[k] ?? 0));
  const total = joint.reduce((s, x) => s + x, 0);
  return joint.map((x) => x / total);
}

/**
 * Builds a chain from named probabilities: start[state], transitions[from][to] where `to` is a
 * state or an outcome. Missing entries are 0.
 */
export function chainFromTables(
  states: readonly string[],
  outcomes: readonly string[],
  start: Readonly<Record<string, number>>,
  transitions: Readonly<Record<string, Readonly<Record<string, number>>>>,
): AbsorbingChain {
  const known = new Set([...states, ...outcomes]);
  for (const [from, row] of Object.entries(transitions)) {
    if (!states.includes(from)) throw new Error(`absorbing chain: unknown state "${from}"`);
    for (const to of Object.keys(row)) {
      if (!known.has(to)) throw new Error(`absorbing chain: unknown target "${to}" from ${from}`);
    }
  }
  const chain: AbsorbingChain = {
    states,
    outcomes,
    start: states.map((s) => start[s] ?? 0),
    transient: states.map((from) => states.map((to) => transitions[from]?.[to] ?? 0)),
    absorbing: states.map((from) => outcomes.map((to) => transitions[from]?.[to] ?? 0)),
  };
  validateChain(chain);
  return chain;
}
