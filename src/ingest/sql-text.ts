import type { SqlParam } from '../engine/engine.js';
import { VitrineError } from '../util/errors.js';

/**
 * SQL text helpers of the ingest room. Identifiers come from the model or from Vitrine's own
 * names; values from a user or a file are bound parameters collected by a ParamList; literals are
 * written only for Vitrine's own constants (accepted values of the model, currency codes).
 */

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A literal for a constant Vitrine itself defines (never a value read from a file or a flag). */
export function constant(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function constantList(values: readonly string[]): string {
  return values.map(constant).join(', ');
}

/** Bound parameters of one statement, numbered from `first` ($1 may be taken by a file path). */
export class ParamList {
  readonly values: SqlParam[] = [];
  constructor(private readonly first = 1) {}

  /** The placeholder of a value, reusing the placeholder of an equal value. */
  add(value: SqlParam): string {
    const i = this.values.findIndex((v) => v === value);
    if (i >= 0) return `$${i + this.first}`;
    this.values.push(value);
    return `$${this.values.length - 1 + this.first}`;
  }
}

const HEX_64 = /^[0-9a-f]{64}$/;

/** The workspace salt is Vitrine's own hex string; checked before it is written into SQL. */
export function saltLiteral(salt: string): string {
  if (!HEX_64.test(salt)) throw new VitrineError('SALT_INVALID', 'the workspace salt is corrupt');
  return constant(salt);
}
