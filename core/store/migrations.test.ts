import { describe, it, expect } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './migrations.ts';

const v2: Migration = { version: 2, name: 'add notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)' };

function tables(db: DatabaseSync): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

describe('migrations', () => {
  it('brings an empty database to the latest version, once', () => {
    const db = new DatabaseSync(':memory:');
    expect(migrate(db, 'mem')).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(tables(db)).toEqual(expect.arrayContaining(['run_config', 'jobs', 'results', 'images', 'comparisons', 'server_info', 'verdicts']));
    expect(migrate(db, 'mem')).toEqual([]);
  });

  it('applies only the missing migrations, in order', () => {
    const db = new DatabaseSync(':memory:');
    migrate(db, 'mem', MIGRATIONS);
    expect(migrate(db, 'mem', [...MIGRATIONS, v2])).toEqual([2]);
    expect(schemaVersion(db)).toBe(2);
    expect(tables(db)).toContain('notes');
  });

  it('rolls back a failing migration with its version bump', () => {
    const db = new DatabaseSync(':memory:');
    migrate(db, 'mem');
    const broken: Migration = { version: 2, name: 'broken', sql: 'CREATE TABLE half (x); THIS IS NOT SQL' };
    expect(() => migrate(db, 'run.sqlite', [...MIGRATIONS, broken])).toThrow(/run\.sqlite: migration 2 \(broken\) failed/);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('half');
  });

  it('refuses a newer schema', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('PRAGMA user_version = 7');
    expect(() => migrate(db, '/x/run.sqlite')).toThrow(
      `/x/run.sqlite has schema 7; this omni-review understands up to ${SCHEMA_VERSION}: upgrade omni-review`,
    );
  });

  it('refuses a migration list with gaps', () => {
    const db = new DatabaseSync(':memory:');
    expect(() => migrate(db, 'mem', [{ ...v2 }])).toThrow(/out of order/);
  });
});
