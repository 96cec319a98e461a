/** The rules of a workspace (DIR/alerts/rules.json), written whole and durably. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurably } from '../durable-file.js';
import { VitrineError } from '../../util/errors.js';
import { parseAlertRuleInput } from './alert-rule.js';
import type { AlertRule } from './alert-rule.js';

export function rulesPath(workspaceDir: string): string {
  return join(workspaceDir, 'alerts', 'rules.json');
}

export function readAlertRules(workspaceDir: string): AlertRule[] {
  const path = rulesPath(workspaceDir);
  if (!existsSync(path)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new VitrineError('ALERTS_UNREADABLE', `${path}: not valid JSON: ${(e as Error).message}`);
  }
  const list = (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list))
    throw new VitrineError('ALERTS_UNREADABLE', `${path}: expected {"rules": [...]}`);
  return list.map((r: unknown, i) => {
    const o = r as Partial<AlertRule> | null;
    if (!o || typeof o.id !== 'string') {
      throw new VitrineError('ALERTS_UNREADABLE', `${path}: rule ${i + 1}: no id`);
    }
    const { id, scope, created_by, created_at, ...input } = o;
    try {
      return {
        ...parseAlertRuleInput(input),
        id,
        scope: scope ?? {},
        created_by: created_by ?? 'unknown',
        created_at: created_at ?? '',
      };
    } catch (e) {
      throw new VitrineError('ALERTS_UNREADABLE', `${path}: rule ${id}: ${(e as Error).message}`);
    }
  });
}

export function writeAlertRules(workspaceDir: string, rules: readonly AlertRule[]): void {
  writeDurably(rulesPath(workspaceDir), `${JSON.stringify({ rules }, null, 2)}\n`);
}

/** A short id people can type: `al-` and 8 hex digits. */
export function newAlertId(existing: readonly AlertRule[]): string {
  for (;;) {
    const id = `al-${randomBytes(4).toString('hex')}`;
    if (!existing.some((r) => r.id === id)) return id;
  }
}
