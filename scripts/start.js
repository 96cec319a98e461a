// `npm start`: builds the medium demo retailer into ./demo-workspace when it is missing, prints a
// short KPI summary of the last full month against the same month last year, then serves the
// API and the dashboard and prints their URL with a fresh admin token.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main, VERSION } from '../dist/cli/main.js';
import { createToken, listTokens, revokeToken } from '../dist/server/auth/token-store.js';
import { startServer } from '../dist/server/http-server.js';
import { summaryLines } from '../dist/goals/headline-summary.js';

const dir = fileURLToPath(new URL('../demo-workspace', import.meta.url));
if (!existsSync(`${dir}/vitrine.yaml`)) {
  const code = await main(['demo', '--workspace', dir, '--scale', 'medium']);
  if (code !== 0) process.exit(code);
} else {
  console.error(`using the existing demo in ${dir} (delete it to rebuild)`);
}
for (const line of await summaryLines(dir)) console.log(line);

// A token is shown only once (the workspace keeps its hash): each start makes a new one and
// revokes the one the previous start printed.
for (const t of listTokens(dir))
  if (t.label === 'npm start' && !t.revoked_at) revokeToken(dir, t.id);
const { token } = createToken(dir, 'admin', {}, 'npm start');
const port = Number(process.env['PORT'] ?? 4310);
const server = await startServer({ workspaceDir: dir, port, host: '127.0.0.1', version: VERSION });
console.log(`
Dashboard: ${server.url}/#token=${token}
API:       ${server.url}/api/openapi.json  (Authorization: Bearer ${token})
Admin token (shown once): ${token}

More tokens: npx vitrine token create --workspace demo-workspace --role viewer --scope "region=Pays de la Loire"
Stop with Ctrl-C.`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
