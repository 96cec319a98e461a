import { describeEngineSuite } from './engine-suite.js';
import { startPostgres } from './postgres-server.js';

describeEngineSuite('postgres', async () => {
  const pg = await startPostgres();
  if (!pg.ok) return { skip: pg.skip };
  console.log(`[postgres] database ${pg.db.where}`);
  return { url: pg.db.url, close: () => pg.db.close() };
});
