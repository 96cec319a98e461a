import type { Command } from 'commander';
import { isRole, ROLES } from '../../server/auth/roles.js';
import {
  createToken,
  listTokens,
  parseScopes,
  revokeToken,
} from '../../server/auth/token-store.js';
import { VitrineError } from '../../util/errors.js';
import { isWorkspace, resolveWorkspaceDir } from '../../workspace/workspace.js';
import type { CliIo } from '../cli-io.js';
import { parseFormat, renderJson, renderRows } from '../output.js';
import { addWorkspaceOption } from '../workspace-option.js';

const collect = (value: string, previous: string[]) => [...previous, value];

function workspaceDir(flag: string | undefined): string {
  const dir = resolveWorkspaceDir(flag);
  if (!isWorkspace(dir)) {
    throw new VitrineError(
      'NOT_A_WORKSPACE',
      `${dir} is not a Vitrine workspace; pass --workspace DIR`,
    );
  }
  return dir;
}

export function registerToken(program: Command, io: CliIo): void {
  const token = program
    .command('token')
    .description('API tokens of the server: create, list, revoke (stored hashed in DIR/server/)');

  addWorkspaceOption(
    token
      .command('create')
      .description('create a token; it is printed once, only its hash is kept')
      .requiredOption('--role <role>', `${ROLES.join(', ')}`)
      .option(
        '--scope <dim=value>',
        'restrict to rows of a region, location, channel… (repeatable)',
        collect,
        [],
      )
      .option('--label <text>', 'who or what the token is for')
      .addHelpText(
        'after',
        `
Examples:
  vitrine token create --role admin
  vitrine token create --role viewer --scope "location=S012" --label "store manager Nantes"
  vitrine token create --role analyst --scope "region=Bretagne"
`,
      ),
  ).action((opts: { workspace?: string; role: string; scope: string[]; label?: string }) => {
    if (!isRole(opts.role)) {
      throw new VitrineError(
        'BAD_OPTION',
        `--role: unknown role "${opts.role}"; roles: ${ROLES.join(', ')}`,
      );
    }
    const created = createToken(
      workspaceDir(opts.workspace),
      opts.role,
      parseScopes(opts.scope),
      opts.label ?? null,
    );
    io.err(
      `token ${created.info.id} (${created.info.role}) created; copy it now, it is not stored:\n`,
    );
    io.out(`${created.token}\n`);
  });

  addWorkspaceOption(
    token
      .command('list')
      .description('tokens with their role, scopes and state (never the token)')
      .option('--format <format>', 'table or json', 'table'),
  ).action((opts: { workspace?: string; format: string }) => {
    const format = parseFormat(opts.format, ['table', 'json']);
    const tokens = listTokens(workspaceDir(opts.workspace));
    if (format === 'json') {
      io.out(renderJson(tokens));
      return;
    }
    const cols = ['id', 'role', 'scopes', 'label', 'created_at', 'revoked_at'].map((name) => ({
      name,
      type: 'VARCHAR',
    }));
    io.out(
      renderRows(
        'table',
        cols,
        tokens.map((t) => ({
          id: t.id,
          role: t.role,
          scopes: Object.entries(t.scopes)
            .map(([k, v]) => `${k}=${v.join(',')}`)
            .join(' '),
          label: t.label,
          created_at: t.created_at,
          revoked_at: t.revoked_at,
        })),
      ),
    );
  });

  addWorkspaceOption(
    token
      .command('revoke')
      .description('revoke a token by id (effective at once)')
      .argument('<id>', 'token id (vitrine token list)'),
  ).action((id: string, opts: { workspace?: string }) => {
    const info = revokeToken(workspaceDir(opts.workspace), id);
    io.err(`token ${info.id} revoked\n`);
  });
}
