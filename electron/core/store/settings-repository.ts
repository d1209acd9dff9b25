import type { SqliteDatabase } from './database';

interface SettingRow {
  value: string;
}

/**
 * Settings as a key → JSON value table. Values come back as `unknown`: the settings service
 * parses them again, because a value written by an older version may no longer be valid.
 *
 * The delivery engine reads settings several times per message. The row is read every time (so
 * a rolled-back write or another connection's write is never missed), but while its text is
 * unchanged the same frozen value comes back: no JSON.parse, and callers can memoise their own
 * validation of it by identity.
 */
export class SettingsRepository {
  private readonly selectOne;
  private readonly upsert;
  private readonly parsed = new Map<string, { text: string; value: unknown }>();

  constructor(db: SqliteDatabase) {
    this.selectOne = db.prepare<[string], SettingRow>('SELECT value FROM settings WHERE key = ?');
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  /** The stored value, deeply frozen: the same object for as long as the stored text is unchanged. */
  get(key: string): unknown {
    const row = this.selectOne.get(key);
    if (row === undefined) return undefined;
    const known = this.parsed.get(key);
    if (known?.text === row.value) return known.value;
    const value = deepFreeze(JSON.parse(row.value) as unknown);
    this.parsed.set(key, { text: row.value, value });
    return value;
  }

  set(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error(`Setting "${key}" cannot be stored: it has no JSON form.`);
    this.upsert.run(key, json);
  }
}

function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
