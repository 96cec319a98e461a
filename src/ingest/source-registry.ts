import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { isTableName, tableNames } from '../model/model.js';
import { VitrineError } from '../util/errors.js';
import type { SourceDef } from './source.js';
import { genericSource } from './sources/generic/generic-source.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySource = SourceDef<any>;

const CONNECTORS = new Map<string, () => Promise<AnySource>>([
  ['shopify', async () => (await import('./sources/shopify/shopify-source.js')).shopifySource],
  ['pos', async () => (await import('./sources/pos/pos-source.js')).posSource],
  [
    'woocommerce',
    async () => (await import('./sources/woocommerce/woocommerce-source.js')).woocommerceSource,
  ],
  ['magento', async () => (await import('./sources/magento/magento-source.js')).magentoSource],
  ['mapping', async () => (await import('./sources/mapping/mapping-source.js')).mappingSource],
  ['ga4', async () => (await import('./sources/ga4/ga4-source.js')).ga4Source],
  ['model', async () => (await import('./sources/model/model-source.js')).modelSource],
]);

export function connectorNames(): string[] {
  return [...CONNECTORS.keys()];
}

/** A connector by name, or the generic import of a model table. */
export async function resolveSource(name: string): Promise<AnySource> {
  const connector = CONNECTORS.get(name);
  if (connector) return connector();
  if (isTableName(name)) return genericSource(name);
  throw new VitrineError(
    'UNKNOWN_SOURCE',
    `unknown source "${name}"; sources are: ${connectorNames().join(', ')}, or a table of the model for the generic import (${tableNames().join(', ')})`,
  );
}

/** The options of a source: the --mapping file (YAML) validated by the source's schema. */
export function sourceConfig(source: AnySource, path: string | undefined): unknown {
  let raw: unknown = {};
  if (!path && source.requiresOptionsFile) {
    throw new VitrineError(
      'MAPPING_REQUIRED',
      `vitrine ingest ${source.name} needs --mapping FILE: a YAML mapping of the file's columns to the model (see docs/ingest.md)`,
    );
  }
  if (path) {
    try {
      raw = parse(readFileSync(path, 'utf8')) ?? {};
    } catch (e) {
      const line = (e as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
      throw new VitrineError(
        'MAPPING_READ',
        `${path}${line ? `: line ${line}` : ''}: ${(e as Error).message.split('\n')[0]}`,
      );
    }
  }
  const parsed = source.configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new VitrineError(
      'MAPPING_INVALID',
      `${path ?? `${source.name} options`}: field ${field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}
