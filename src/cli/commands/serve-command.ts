import type { Command } from 'commander';
import { startServer } from '../../server/http-server.js';
import { openWorkspace, resolveWorkspaceDir } from '../../workspace/workspace.js';
import { VitrineError } from '../../util/errors.js';
import type { CliIo } from '../cli-io.js';
import { addWorkspaceOption } from '../workspace-option.js';

interface ServeOptions {
  workspace?: string;
  port: string;
  host: string;
  rateLimit: string;
}

function positiveInt(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > 65535 * 1000) {
    throw new VitrineError('BAD_OPTION', `${flag}: expected a whole number, got "${value}"`);
  }
  return n;
}

export function registerServe(program: Command, io: CliIo): void {
  addWorkspaceOption(
    program
      .command('serve')
      .description(
        'serve the HTTP API and the dashboard over a workspace (read-only beside the CLI)',
      )
      .option('--port <n>', 'port (0: any free port)', '4310')
      .option('--host <host>', 'interface to listen on', '127.0.0.1')
      .option('--rate-limit <n>', 'requests per token per minute', '600')
      .addHelpText(
        'after',
        `
Every API call but /api/health needs a token: create one with
  vitrine token create --role admin --workspace DIR
The server refuses to start without a strong secret (DIR/server/secret, made by the first
"token create", or $VITRINE_SERVER_SECRET). The API is described at /api/openapi.json.

Examples:
  vitrine serve --workspace ./demo
  vitrine serve --workspace ./demo --host 0.0.0.0 --port 8080
`,
      ),
  ).action(async (opts: ServeOptions) => {
    const dir = resolveWorkspaceDir(opts.workspace);
    // Fail on a missing workspace with the usual message before touching the secret.
    await (await openWorkspace(dir, { readOnly: true })).close();
    const server = await startServer({
      workspaceDir: dir,
      port: positiveInt(opts.port, '--port'),
      host: opts.host,
      rateLimit: positiveInt(opts.rateLimit, '--rate-limit', 1),
      version: program.version() ?? '0.0.0',
    });
    io.err(`vitrine serve: ${dir}\n`);
    io.out(`${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  });
}
