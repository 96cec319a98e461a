import type { Command } from 'commander';
import { AlertService } from '../../goals/alerts/alert-service.js';
import type { DeliveryLogEntry } from '../../goals/alerts/alert-service.js';
import type { AlertEvaluation } from '../../goals/alerts/alert-evaluator.js';
import { formatChange, formatRelativeChange, formatValue } from '../../format/number-format.js';
import { ALERT_WINDOWS, describeCondition } from '../../goals/alerts/alert-rule.js';
import type { AlertRule } from '../../goals/alerts/alert-rule.js';
import { callServer } from '../../live/live-client.js';
import { findLiveServer } from '../../live/live-lock.js';
import type { LiveServerInfo } from '../../live/live-lock.js';
import { loadDictionary } from '../../semantic/dictionary/kpi-dictionary.js';
import { parseWhere } from '../../semantic/plan/plan-builder.js';
import { VitrineError } from '../../util/errors.js';
import { resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderList } from '../output.js';
import { addWorkspaceOption, withWorkspace } from '../workspace-option.js';

/**
 * Runs an alert operation where the workspace's writer is: on the running server when there is
 * one (the alert log has one writer), else here on the workspace.
 */
async function onWorkspace<T>(
  flag: string | undefined,
  server: (s: LiveServerInfo) => Promise<T>,
  local: (alerts: AlertService) => Promise<T>,
): Promise<T> {
  const live = findLiveServer(resolveWorkspaceDir(flag));
  if (live) return server(live);
  return withWorkspace(flag, {}, async (ws) => {
    const dictionary = loadDictionary({ workspaceDir: ws.dir });
    const alerts = new AlertService({
      dir: ws.dir,
      config: ws.config,
      dictionary,
      read: (fn) => fn({ engine: ws.engine, dictionary, config: ws.config }),
      message: () => ({
        dashboardUrl: ws.config.notifications?.dashboard_url ?? null,
        boardOf: () => 'direction',
      }),
    });
    try {
      return await local(alerts);
    } finally {
      alerts.close();
    }
  });
}

function number(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) {
    throw new VitrineError('BAD_OPTION', `${flag}: "${text}" is not a number`);
  }
  return n;
}

interface AddOptions {
  workspace?: string;
  name?: string;
  window: string;
  where?: string;
  above?: string;
  below?: string;
  change?: string;
  vs: string;
  targetGap?: string;
  objective?: string;
  anomaly?: string;
  email: string[];
  webhook: string[];
  slack: string[];
  lang: string;
  format: string;
}

function conditionOf(o: AddOptions): unknown {
  const given = [o.above, o.below, o.change, o.targetGap, o.objective, o.anomaly].filter(
    (x) => x !== undefined,
  );
  if (given.length !== 1) {
    throw new VitrineError(
      'BAD_ALERT',
      'give exactly one condition: --above N, --below N, --change ±N%|±Npts, --target-gap N, --objective ID or --anomaly SEVERITY',
    );
  }
  if (o.above !== undefined)
    return { kind: 'threshold', direction: 'above', value: number(o.above, '--above') };
  if (o.below !== undefined)
    return { kind: 'threshold', direction: 'below', value: number(o.below, '--below') };
  if (o.change !== undefined) {
    const m = /^([+-]?)(\d+(?:\.\d+)?)\s*(%|pts?|points)$/.exec(o.change.trim());
    if (!m) {
      throw new VitrineError(
        'BAD_OPTION',
        `--change "${o.change}": expected a move such as -10% (a fall of 10 %), +5% or 2pts (either way, in points for a rate)`,
      );
    }
    const [, sign, size = '', unit = ''] = m;
    return {
      kind: 'change',
      vs: o.vs === 'previous' ? 'previous' : 'yoy',
      direction: sign === '-' ? 'down' : sign === '+' ? 'up' : 'either',
      by: Number(size),
      unit: unit === '%' ? 'pct' : 'points',
    };
  }
  if (o.targetGap !== undefined)
    return { kind: 'target-gap', by: number(o.targetGap, '--target-gap') };
  if (o.objective !== undefined) return { kind: 'trajectory', objective: o.objective };
  return { kind: 'anomaly', severity: o.anomaly };
}

function evaluationLine(e: AlertEvaluation): string {
  const style = { locale: 'en-GB', currency: e.currency };
  const window =
    e.window.from === e.window.to ? e.window.from : `${e.window.from} → ${e.window.to}`;
  const c = e.compared;
  const move =
    c?.change === null || c?.change === undefined
      ? ''
      : c.changeUnit === 'points'
        ? ` (${formatChange(c.change / 100, 'ratio', style)})`
        : ` (${formatRelativeChange(c.change / 100, style)})`;
  const compared = c ? `, ${c.label} ${formatValue(c.value, e.unit, style)}${move}` : '';
  return `${e.status} on ${window}: ${formatValue(e.value, e.unit, style)}${compared}${e.detail ? ` — ${e.detail}` : ''}`;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerAlert(program: Command, io: CliIo): void {
  const alert = program
    .command('alert')
    .description(
      'alert rules on KPIs: notify by e-mail, webhook or the dashboard when a KPI goes wrong',
    );

  addWorkspaceOption(
    alert
      .command('add')
      .description('add a rule (checked by running it once; the answer says how it stands now)')
      .argument('<kpi>', 'the KPI watched')
      .option('--name <text>', 'a name for people')
      .option('--window <window>', `the period watched: ${ALERT_WINDOWS.join(', ')}`, 'day')
      .option(
        '--where <filters>',
        'dimension=value,… as in vitrine query (values of one dimension are ORed)',
      )
      .option('--above <n>', 'fires when the value is above n (a rate as a fraction: 0.02 = 2 %)')
      .option('--below <n>', 'fires when the value is below n')
      .option(
        '--change <move>',
        'fires on a move vs --vs: -10% (fall), +10% (rise), 10% (either), 2pts for rates',
      )
      .option('--vs <period>', 'what --change compares with: yoy (N-1) or previous', 'yoy')
      .option(
        '--target-gap <pct>',
        'fires when the value misses its target by more than pct % (0: any miss)',
      )
      .option(
        '--objective <id>',
        'fires when the KPI falls behind the trajectory of this objective',
      )
      .option(
        '--anomaly <severity>',
        'fires on an anomaly of the feed at or above: low, medium, high',
      )
      .option('--email <address>', 'send to this address (repeatable)', collect, [])
      .option('--webhook <url>', 'POST a signed JSON body to this URL (repeatable)', collect, [])
      .option(
        '--slack <url>',
        'POST a Slack-compatible body to this incoming-webhook URL (repeatable)',
        collect,
        [],
      )
      .option('--lang <lang>', 'language of the messages: en or fr', 'en')
      .option('--format <format>', 'table or json', 'table')
      .addHelpText(
        'after',
        `
Examples:
  vitrine alert add net_sales --window month-to-date --change -10% --vs yoy --email direction@example.com
  vitrine alert add conversion_rate --where channel=CH-WEB --change -0.5pts --vs previous --slack https://hooks.slack.com/services/…
  vitrine alert add net_sales --where location=ST01 --target-gap 5 --webhook https://ops.example.com/hooks/vitrine
  vitrine alert add contacts --window day --above 120 --lang fr --email sav@example.com
  vitrine alert add net_sales --anomaly high

Messages say the KPI, its value, what it was compared with, the filters and a link to the board.
E-mail needs notifications.smtp in vitrine.yaml (the password comes from $VITRINE_SMTP_PASSWORD);
webhooks are signed: X-Vitrine-Signature = sha256 HMAC of "<X-Vitrine-Timestamp>.<body>" with
$VITRINE_WEBHOOK_SECRET (or DIR/alerts/webhook-secret). Rules are evaluated by \`vitrine serve\`
after each load or event batch and every 15 minutes.`,
      ),
  ).action(async (kpi: string, o: AddOptions) => {
    const format = parseFormat(o.format, ['table', 'json']);
    const channels = [
      ...(o.email.length > 0 ? [{ kind: 'email', to: o.email }] : []),
      ...o.webhook.map((url) => ({ kind: 'webhook', url, format: 'json' })),
      ...o.slack.map((url) => ({ kind: 'webhook', url, format: 'slack' })),
      { kind: 'dashboard' },
    ];
    const input = {
      kpi,
      ...(o.name ? { name: o.name } : {}),
      window: o.window,
      where: o.where ? parseWhere(o.where) : {},
      condition: conditionOf(o),
      channels,
      lang: o.lang,
    };
    const res = await onWorkspace(
      o.workspace,
      async (s) =>
        (
          await callServer<{ rule: AlertRule; evaluation: AlertEvaluation }>(
            s,
            'POST',
            '/api/alerts',
            input,
          )
        ).body,
      (alerts) => alerts.add(input, { id: 'cli', scope: {} }),
    );
    io.out(
      format === 'json'
        ? renderJson(res)
        : `added ${res.rule.id}: ${res.rule.kpi} ${describeCondition(res.rule.condition)} (${res.rule.window})\nnow: ${evaluationLine(res.evaluation)}\n`,
    );
  });

  addWorkspaceOption(
    alert
      .command('list')
      .description('the rules, with what each watches and where it sends')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (o: { workspace?: string; format: string }) => {
    const format = parseFormat(o.format, ['table', 'json']);
    const rules = await onWorkspace(
      o.workspace,
      async (s) => (await callServer<{ rules: AlertRule[] }>(s, 'GET', '/api/alerts')).body.rules,
      async (alerts) => alerts.rules(),
    );
    io.out(
      renderList(
        format,
        rules,
        ['id', 'kpi', 'window', 'condition', 'filters', 'sends to'],
        rules.map((r) => ({
          id: r.id,
          kpi: r.name ? `${r.kpi} (${r.name})` : r.kpi,
          window: r.window,
          condition: describeCondition(r.condition),
          filters:
            Object.entries({ ...r.where, ...r.scope })
              .map(([d, v]) => `${d}=${v.join(',')}`)
              .join(' ') || '—',
          'sends to': r.channels
            .map((c) =>
              c.kind === 'email'
                ? c.to.join(',')
                : c.kind === 'webhook'
                  ? `${c.format} ${c.url}`
                  : 'dashboard',
            )
            .join('; '),
        })),
        'no alert rule yet; add one with `vitrine alert add --help`',
      ),
    );
  });

  addWorkspaceOption(
    alert
      .command('test')
      .description('evaluate a rule now and print how it stands, without notifying anyone')
      .argument('<id>', 'the rule id (see `vitrine alert list`)')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (id: string, o: { workspace?: string; format: string }) => {
    const format = parseFormat(o.format, ['table', 'json']);
    const evaluation = await onWorkspace(
      o.workspace,
      async (s) =>
        (
          await callServer<{ evaluation: AlertEvaluation }>(
            s,
            'POST',
            `/api/alerts/${encodeURIComponent(id)}/test`,
          )
        ).body.evaluation,
      (alerts) => alerts.test(id),
    );
    io.out(format === 'json' ? renderJson(evaluation) : `${id}: ${evaluationLine(evaluation)}\n`);
  });

  addWorkspaceOption(
    alert.command('remove').description('remove a rule').argument('<id>', 'the rule id'),
  ).action(async (id: string, o: { workspace?: string }) => {
    await onWorkspace(
      o.workspace,
      async (s) => (await callServer(s, 'DELETE', `/api/alerts/${encodeURIComponent(id)}`)).body,
      async (alerts) => alerts.remove(id),
    );
    io.out(`removed ${id}\n`);
  });

  addWorkspaceOption(
    alert
      .command('log')
      .description(
        'deliveries: sent, pending retry (with the next attempt) or failed, newest first',
      )
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (o: { workspace?: string; format: string }) => {
    const format = parseFormat(o.format, ['table', 'json']);
    const log = await onWorkspace(
      o.workspace,
      async (s) =>
        (await callServer<{ deliveries: DeliveryLogEntry[] }>(s, 'GET', '/api/alerts/log')).body
          .deliveries,
      async (alerts) => alerts.deliveryLog(),
    );
    io.out(
      renderList(
        format,
        log,
        ['at', 'rule', 'notice', 'channel', 'status', 'attempts', 'last error / next attempt'],
        log.map((d) => ({
          at: d.at.replace('T', ' ').slice(0, 19),
          rule: d.rule,
          notice: d.notice,
          channel: d.channel,
          status: d.status,
          attempts: String(d.attempts),
          'last error / next attempt':
            [d.last_error, d.next_attempt ? `retry at ${d.next_attempt}` : null]
              .filter(Boolean)
              .join('; ') || '—',
        })),
        'no delivery yet',
      ),
    );
  });
}
