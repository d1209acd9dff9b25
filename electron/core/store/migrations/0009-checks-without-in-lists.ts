import type { SqliteDatabase } from '../database';
import type { Migration } from './migration';

/**
 * The same CHECK constraints, written so SQLite checks them cheaply (issue 9: the 100,000-row
 * import under 3 s).
 *
 * SQLite (3.53 here) evaluates a CHECK of the form `x IN ('a', 'b', 'c')` — three or more values —
 * by building a temporary index of the list for EVERY row it checks; with two values it compares
 * directly. Measured on this machine: 300,000 inserts took 60 ms with no CHECK, 70 ms with
 * `s IN ('a', 'b')` or with six `s = '…' OR …` comparisons, and 320–530 ms with `s IN` six values.
 * The import's subscriptions alone (status and source checked per row) spent about 250 ms of their
 * 550–700 ms there, and every delivery the engine claims or settles pays it too.
 *
 * So each such list on a table written per contact, subscription, delivery or inbound message
 * becomes the equivalent chain of comparisons. For a NOT NULL column the two forms accept exactly
 * the same values (for NULL both yield NULL, which a CHECK lets pass), so no stored row can
 * violate the new form and nothing needs rebuilding: the table definitions are rewritten in
 * place, the procedure SQLite's ALTER TABLE documentation gives for changing CHECK constraints
 * ("Making Other Kinds Of Table Schema Changes"): update `sqlite_schema`, bump `schema_version`.
 * Inside the runner's transaction, so a mistake rolls back and the schema is re-read (and must
 * parse) before the commit.
 *
 * Small, rarely written tables (media, messages, sequences) keep their lists.
 */
const LISTS_TO_REWRITE: Readonly<Record<string, readonly string[]>> = {
  contacts: ['source'],
  subscriptions: ['status', 'source'],
  deliveries: ['channel', 'status', 'receipt'],
  inbound_messages: ['provider'],
};

export const migration0009: Migration = {
  version: 9,
  name: 'checks-without-in-lists',
  up(db) {
    const rewritten = Object.entries(LISTS_TO_REWRITE).map(([table, columns]) => {
      const sql = tableSql(db, table);
      return { table, sql: columns.reduce((text, column) => inListAsComparisons(text, table, column), sql) };
    });
    writeTableDefinitions(db, rewritten);
  },
};

/** `column IN ('a', 'b', …)` → `(column = 'a' OR column = 'b' OR …)`; exactly one such list must be there. */
export function inListAsComparisons(sql: string, table: string, column: string): string {
  const list = new RegExp(`\\b${column} IN \\(((?:'[^']*'(?:, )?)+)\\)`, 'g');
  const matches = [...sql.matchAll(list)];
  if (matches.length !== 1) {
    throw new Error(`Upgrading ${table}: expected one CHECK list for ${column}, found ${matches.length}; nothing was changed.`);
  }
  return sql.replace(list, (_, values: string) => {
    const comparisons = values.split(', ').map((value) => `${column} = ${value}`);
    return `(${comparisons.join(' OR ')})`;
  });
}

function tableSql(db: SqliteDatabase, table: string): string {
  const row = db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table);
  if (row === undefined) throw new Error(`Upgrading the database: table ${table} is missing.`);
  return row.sql;
}

function writeTableDefinitions(db: SqliteDatabase, tables: readonly { table: string; sql: string }[]): void {
  const version = db.pragma('schema_version', { simple: true });
  if (typeof version !== 'number') throw new Error(`PRAGMA schema_version returned ${String(version)}`);
  // better-sqlite3 opens connections in SQLite's defensive mode, which forbids writing the schema
  // table even with writable_schema; lifted for these statements only.
  db.unsafeMode(true);
  try {
    db.pragma('writable_schema = ON');
    const update = db.prepare<[string, string]>("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?");
    for (const { table, sql } of tables) {
      if (update.run(sql, table).changes !== 1) throw new Error(`Upgrading the database: could not rewrite ${table}.`);
    }
    // A new schema_version makes every connection (this one too) re-read the definitions.
    db.pragma(`schema_version = ${version + 1}`);
  } finally {
    db.pragma('writable_schema = OFF');
    db.unsafeMode(false);
  }
  // Re-reads and parses the new definitions now, inside the transaction: should one not parse,
  // this throws and the whole upgrade rolls back.
  db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
}
