import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/backends/clickhouse/clickhouse-chdb-engine.js';
import type { ClickHouseEngine } from '../../src/backends/clickhouse/clickhouse-engine.js';
import { openClickHouseEngine } from '../../src/backends/clickhouse/clickhouse-engine.js';
import { clickhouseDialect } from '../../src/backends/clickhouse/clickhouse-dialect.js';
import type { ClickHouseCluster } from './clickhouse-cluster.js';
import { clickhouseServerMissing, startClickHouseCluster } from './clickhouse-cluster.js';

/**
 * The one literal encoder, proved on both real ClickHouse versions: every string goes in as a
 * literal and must come back identical, and the server must count the same UTF-8 bytes (so the
 * check does not rest on our own result decoding alone).
 */

const lit = (v: string | number | boolean | null) => clickhouseDialect.literal(v);

/** A seeded generator (mulberry32), so a failure names a reproducible string. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = `'"\`\\$;-/*?\t\n\r\u0000\u0001\u001f\u007f \u00e9\u00df\u20ac\u4e2d\u0436\u05d0\u0627`;

function randomString(next: () => number): string {
  const len = Math.floor(next() * 80);
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = next();
    if (r < 0.35) s += ALPHABET[Math.floor(next() * ALPHABET.length)] as string;
    else if (r < 0.55) s += String.fromCharCode(32 + Math.floor(next() * 95));
    else if (r < 0.7) s += String.fromCharCode(Math.floor(next() * 32));
    else if (r < 0.85) s += String.fromCharCode(0xa0 + Math.floor(next() * (0xd7ff - 0xa0)));
    else s += String.fromCodePoint(0x10000 + Math.floor(next() * 0xfffff));
  }
  return s;
}

const NASTY = [
  '',
  "'",
  "''",
  "\\'",
  "\\\\'",
  '\\',
  'a\\',
  '\\0',
  '\\x41',
  '\\N',
  '\u0000',
  'x\u0000y',
  '"',
  '`',
  "' OR 1=1 --",
  "'; DROP TABLE t; --",
  '$1',
  "$1'$2",
  '/* not a comment */',
  '-- not a comment',
  'tab\there',
  'line\nbreak\r\n',
  '\u0007\u0008\u000b\u000c\u001b',
  'caf\u00e9 \u00fcber na\u00efve',
  '\u65e5\u672c\u8a9e \ud55c\uad6d\uc5b4 \u0627\u0644\u0639\u0631\u0628\u064a\u0629',
  '\u{1f600}\u{1f469}\u200d\u{1f4bb}',
  '\u202e reversed',
  '\ufeffBOM',
  'x'.repeat(10_000),
];

const SEEDED = (() => {
  const next = rng(20261123);
  return Array.from({ length: 400 }, () => randomString(next));
})();

const VERY_LONG = Array.from({ length: 100_000 }, (_, i) => `${i}'\\\u00e9`).join('');

async function roundTrip(engine: ClickHouseEngine, values: readonly string[]): Promise<void> {
  for (let start = 0; start < values.length; start += 40) {
    const chunk = values.slice(start, start + 40);
    const cols = chunk.flatMap((v, i) => [`${lit(v)} AS v${i}`, `length(${lit(v)}) AS b${i}`]);
    const r = await engine.run(`SELECT ${cols.join(', ')}`);
    const row = r.rows[0] ?? {};
    chunk.forEach((v, i) => {
      const at = `value #${start + i} ${JSON.stringify(v.slice(0, 60))}`;
      expect(row[`v${i}`], at).toBe(v);
      expect(row[`b${i}`], at).toBe(Buffer.byteLength(v, 'utf8'));
    });
  }
}

function literalSuite(
  label: string,
  open: () => Promise<ClickHouseEngine>,
  close?: () => Promise<void>,
) {
  describe(`ClickHouse literal encoder on ${label}`, () => {
    let engine: ClickHouseEngine;
    beforeAll(async () => {
      engine = await open();
    });
    afterAll(async () => {
      try {
        await engine?.close();
      } finally {
        await close?.();
      }
    });

    it('round-trips the nasty strings', async () => {
      await roundTrip(engine, NASTY);
    });

    it('round-trips 400 seeded random strings (controls, quotes, backslashes, BMP, astral)', async () => {
      await roundTrip(engine, SEEDED);
    });

    it('round-trips a 1 MB string', async () => {
      await roundTrip(engine, [VERY_LONG]);
    });

    it('writes numbers, booleans, NULL and dates the server reads back exactly', async () => {
      const numbers = [0, 1, -1, 42, -7.25, 0.1, 1e-7, 123456789012, -9007199254740991, 2.5e21];
      const r = await engine.run(
        `SELECT ${numbers.map((n, i) => `toString(${lit(n)}) AS n${i}`).join(', ')}, 10 - ${lit(-3)} AS minus, ${lit(true)} AS t, ${lit(false)} AS f, isNull(${lit(null)}) AS z, toString(${clickhouseDialect.dateParam(lit('2024-02-29'))}) AS d`,
      );
      const row = r.rows[0] ?? {};
      numbers.forEach((n, i) => expect(Number(row[`n${i}`]), String(n)).toBe(n));
      expect(row['minus']).toBe(13);
      expect(row['t']).toBe(1);
      expect(row['f']).toBe(0);
      expect(row['z']).toBe(1);
      expect(row['d']).toBe('2024-02-29');
    });

    it('inlines $n parameters through the encoder, leaving $n inside strings alone', async () => {
      const r = await engine.run(
        `SELECT $1 AS a, '$1' AS b, "x" FROM (SELECT $2 AS "x") -- $3 is not used`,
        ["it's $2 \\ here", 5],
      );
      expect(r.rows[0]).toEqual({ a: "it's $2 \\ here", b: '$1', x: 5 });
    });

    it('refuses a lone surrogate and non-finite numbers by name', () => {
      expect(() => lit('a\ud800b')).toThrow(/lone UTF-16 surrogate at position 1/);
      expect(() => lit(Number.NaN)).toThrow(/cannot write NaN/);
    });
  });
}

let chdbDir = '';
literalSuite(
  'chDB (current ClickHouse)',
  async () => {
    chdbDir = mkdtempSync(join(tmpdir(), 'vitrine-chdb-lit-'));
    return openChdbEngine(chdbDir);
  },
  async () => rmSync(chdbDir, { recursive: true, force: true }),
);

const missing = clickhouseServerMissing();
if (missing && process.env['CI']) throw new Error(`CI needs the ClickHouse cluster: ${missing}`);
describe.skipIf(missing !== null)(`18.16 server ${missing ? `(skipped: ${missing})` : ''}`, () => {
  let cluster: ClickHouseCluster | null = null;
  literalSuite(
    'clickhouse-server 18.16',
    async () => {
      cluster = await startClickHouseCluster(1);
      return openClickHouseEngine({ url: cluster.url });
    },
    async () => cluster?.stop(),
  );
});
