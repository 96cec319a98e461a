import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { generateDemo } from '../src/demo/demo-generator.js';
import { parseIsoDate } from '../src/time/civil-date.js';

/** The day every test demo is generated for, so that expectations never move with the clock. */
export const TEST_TODAY = '2026-11-23';

declare module 'vitest' {
  export interface ProvidedContext {
    smallDemoDir: string;
  }
}

/** Builds the small demo (seed 7) once for the whole run; tests open it read-only. */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'vitrine-test-'));
  const dir = join(root, 'small-7');
  await generateDemo(dir, { scale: 'small', seed: 7, today: parseIsoDate(TEST_TODAY) });
  project.provide('smallDemoDir', dir);
  return () => rmSync(root, { recursive: true, force: true });
}
