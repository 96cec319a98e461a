import type { PoolClient } from 'pg';
import { quoteIdentifier } from '../../sql/sql-identifier.js';

/**
 * The role queries run under: it may read the model's tables and nothing else. It is a
 * NOLOGIN role the connecting user switches to (SET ROLE), so no second password is needed.
 * Roles are cluster-wide; grants are per database, hence re-granted on every set-up.
 */
export const READER_ROLE = 'vitrine_reader';

export async function readerRoleExists(c: PoolClient): Promise<boolean> {
  const res = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [READER_ROLE]);
  return (res.rowCount ?? 0) > 0;
}

/** Whether the connected user may switch to the reader role (a member, or a superuser). */
export async function canUseReaderRole(c: PoolClient): Promise<boolean> {
  const res = await c.query<{ m: boolean }>(
    "SELECT pg_has_role(current_user, oid, 'MEMBER') AS m FROM pg_roles WHERE rolname = $1",
    [READER_ROLE],
  );
  return res.rows[0]?.m === true;
}

/** The statements that create the role (when missing) and grant it reads on this database. */
export async function grantReaderSql(c: PoolClient): Promise<string[]> {
  const out: string[] = [];
  if (!(await readerRoleExists(c))) {
    // Two set-ups racing may both see it missing: the loser's CREATE is skipped, not failed.
    out.push(
      `DO $$ BEGIN CREATE ROLE ${READER_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    );
  }
  const me = await c.query<{ u: string; su: boolean }>(
    'SELECT current_user AS u, rolsuper AS su FROM pg_roles WHERE rolname = current_user',
  );
  const user = me.rows[0];
  // A superuser may SET ROLE to any role; anyone else must be a member of it.
  if (user && !user.su) out.push(`GRANT ${READER_ROLE} TO ${quoteIdentifier(user.u)}`);
  out.push(
    `GRANT CONNECT ON DATABASE ${quoteIdentifier(await currentDatabase(c))} TO ${READER_ROLE}`,
    `GRANT USAGE ON SCHEMA public TO ${READER_ROLE}`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${READER_ROLE}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${READER_ROLE}`,
  );
  return out;
}

async function currentDatabase(c: PoolClient): Promise<string> {
  const res = await c.query<{ d: string }>('SELECT current_database() AS d');
  return res.rows[0]?.d ?? '';
}
