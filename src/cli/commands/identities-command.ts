import type { Command } from 'commander';
import { identityReport } from '../../ingest/identity/identity-resolver.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderTable } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export function registerIdentities(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('identities')
      .description(
        'identity resolution: how many customers of each source (POS loyalty card, e-shop account or e-mail,\nweb analytics user id) were linked to a known customer, and by which rule',
      )
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (opts: { workspace?: string; format: string }) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const report = await withWorkspace(opts.workspace, { readOnly: true }, (ws) =>
      identityReport(ws.engine),
    );
    if (format === 'json') {
      io.out(renderJson(report));
      return;
    }
    const columns = ['source', 'customers', 'linked', 'match rate', 'rules'].map((name) => ({
      name,
      type: name === 'customers' || name === 'linked' ? 'BIGINT' : 'VARCHAR',
    }));
    io.out(
      renderTable(
        columns,
        report.sources.map((s) => ({
          source: s.source,
          customers: s.seen,
          linked: s.matched,
          'match rate': pct(s.matchRate),
          rules: Object.entries(s.byRule)
            .map(([rule, n]) => `${rule} ${n}`)
            .join(', '),
        })),
      ),
    );
    io.out(
      `customers: ${report.customers} (${report.reference} from the reference CRM import), ${report.multiSource} known to several sources\n`,
    );
  });
}
