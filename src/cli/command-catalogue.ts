import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';

/** Adds one command module's commands to the program. */
export type RegisterCommands = (program: Command, io: CliIo) => void;

/**
 * The commands as `vitrine --help` lists them, without loading them: importing a command's
 * module pulls in its engine, the semantic layer or the server, which costs most of a run that
 * only asks for the list. `term` and `description` repeat what each module registers (a test
 * keeps them equal); `load` imports the module when its command runs.
 */
export interface CommandEntry {
  readonly name: string;
  /** The command's line in the listing: name, `[options]` and its arguments. */
  readonly term: string;
  readonly description: string;
  /**
   * Imports the module this command lives in; commands of one module share one loader (the
   * module registers them together).
   */
  readonly load: () => Promise<RegisterCommands>;
}

const loadGoals = async (): Promise<RegisterCommands> =>
  (await import('./commands/goals-command.js')).registerGoals;

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'init',
    term: 'init [options] <dir>',
    description:
      'create a workspace: a vitrine.yaml config and an embedded DuckDB database with every table of the model',
    load: async () => (await import('./commands/init-command.js')).registerInit,
  },
  {
    name: 'demo',
    term: 'demo [options]',
    description:
      'generate the demo retailer (a French omnichannel chain: stores, e-shop, app, marketplace, click-and-collect)\ninto a workspace, with its ground-truth manifest (ground-truth.json)',
    load: async () => (await import('./commands/demo-command.js')).registerDemo,
  },
  {
    name: 'tables',
    term: 'tables [options]',
    description: 'list the tables of the canonical model with their row counts',
    load: async () => (await import('./commands/tables-command.js')).registerTables,
  },
  {
    name: 'ingest',
    term: 'ingest [options] <source> <files...>',
    description:
      'load files into the workspace: validated, refused records quarantined with their reason, file and line,\nidempotent (a file already loaded is skipped), one transaction per load',
    load: async () => (await import('./commands/ingest-command.js')).registerIngest,
  },
  {
    name: 'events',
    term: 'events',
    description: 'live events: send NDJSON to the server that owns a workspace',
    load: async () => (await import('./commands/events-command.js')).registerEvents,
  },
  {
    name: 'quarantine',
    term: 'quarantine',
    description: 'records refused by ingest, each with its reason, file and line',
    load: async () => (await import('./commands/quarantine-command.js')).registerQuarantine,
  },
  {
    name: 'identities',
    term: 'identities [options]',
    description:
      'identity resolution: how many customers of each source (POS loyalty card, e-shop account or e-mail,\nweb analytics user id) were linked to a known customer, and by which rule',
    load: async () => (await import('./commands/identities-command.js')).registerIdentities,
  },
  {
    name: 'check',
    term: 'check [options]',
    description:
      'data-quality report per table and source: freshness, completeness, duplicates, orphan references,\nquarantined records, catalogue errors, and the KPIs whose inputs are stale or incomplete',
    load: async () => (await import('./commands/check-command.js')).registerCheck,
  },
  {
    name: 'sql',
    term: 'sql [options] <query>',
    description: 'run a read-only SQL query on the workspace (anything but a read is refused)',
    load: async () => (await import('./commands/sql-command.js')).registerSql,
  },
  {
    name: 'kpi',
    term: 'kpi',
    description: 'the KPI dictionary: list, show, validate, lock, and the sources each KPI needs',
    load: async () => {
      const [base, tests] = await Promise.all([
        import('./commands/kpi-command.js'),
        import('./commands/kpi-test-command.js'),
      ]);
      return (program, io) => {
        base.registerKpi(program, io);
        tests.registerKpiTest(program, io);
      };
    },
  },
  {
    name: 'query',
    term: 'query [options]',
    description:
      'compute KPIs at any grain and split, with comparisons (N-1, previous, target) and cumulative totals',
    load: async () => (await import('./commands/query-command.js')).registerQuery,
  },
  {
    name: 'explain',
    term: 'explain [options] <kpi>',
    description:
      'why a KPI moved: its change against N-1, the previous period or target, split into drivers and into mix and rate effects across a dimension (contributions add up to the change)',
    load: async () => (await import('./commands/explain-command.js')).registerExplain,
  },
  {
    name: 'targets',
    term: 'targets',
    description: 'targets per KPI, period and segment',
    load: loadGoals,
  },
  {
    name: 'objectives',
    term: 'objectives [options]',
    description:
      'progress of the objectives in DIR/objectives.yaml (goals grouping KPIs with targets and a deadline)',
    load: loadGoals,
  },
  {
    name: 'alert',
    term: 'alert',
    description:
      'alert rules on KPIs: notify by e-mail, webhook or the dashboard when a KPI goes wrong',
    load: async () => (await import('./commands/alert-command.js')).registerAlert,
  },
  {
    name: 'report',
    term: 'report',
    description:
      'reports: a board as a PDF with its headline figures, on demand or scheduled by e-mail',
    load: async () => (await import('./commands/report-command.js')).registerReport,
  },
  {
    name: 'model',
    term: 'model',
    description:
      'analytic models on a workspace or a file: basket, clv, attribution, abtest, promo, lost-sales, shrinkage, cohorts, anomalies, budget, paths',
    load: async () => (await import('./commands/model-command.js')).registerModel,
  },
  {
    name: 'push',
    term: 'push [options]',
    description:
      "copy the workspace's canonical model to PostgreSQL or ClickHouse (resumable, reconciled)",
    load: async () => (await import('./commands/push-command.js')).registerPush,
  },
  {
    name: 'serve',
    term: 'serve [options]',
    description: 'serve the HTTP API and the dashboard over a workspace (read-only beside the CLI)',
    load: async () => (await import('./commands/serve-command.js')).registerServe,
  },
  {
    name: 'token',
    term: 'token',
    description: 'API tokens of the server: create, list, revoke (stored hashed in DIR/server/)',
    load: async () => (await import('./commands/token-command.js')).registerToken,
  },
];
