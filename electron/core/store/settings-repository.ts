import type { SqliteDatabase } from './database';

interface SettingRow {
  value: string;
}

/**
 * Settings as a key → JSON value table. Values come back as `unknown`: the settings service
 * parses them again, because a value written by an older version may no longer be valid.
 */
export class SettingsRepository {
  private readonly selectOne;
  private readonly upsert;

  constructor(db: SqliteDatabase) {
    this.selectOne = db.prepare<[string], SettingRow>('SELECT value FROM settings WHERE key = ?');
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get(key: string): unknown {
    const row = this.selectOne.get(key);
    return row === undefined ? undefined : JSON.parse(row.value);
  }

  set(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    if (json === undefined) throw new Error(`Setting "${key}" cannot be stored: it has no JSON form.`);
    this.upsert.run(key, json);
  }
}
