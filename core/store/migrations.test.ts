import { describe, it, expect } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { VerdictSchema } from '../../shared/model.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './migrations.ts';

const next: Migration = { version: MIGRATIONS.length + 1, name: 'add notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)' };

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
    expect(migrate(db, 'mem', [...MIGRATIONS, next])).toEqual([next.version]);
    expect(schemaVersion(db)).toBe(next.version);
    expect(tables(db)).toContain('notes');
  });

  it('rolls back a failing migration with its version bump', () => {
    const db = new DatabaseSync(':memory:');
    migrate(db, 'mem');
    const broken: Migration = { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (x); THIS IS NOT SQL' };
    expect(() => migrate(db, 'run.sqlite', [...MIGRATIONS, broken])).toThrow(new RegExp(`run\\.sqlite: migration ${broken.version} \\(broken\\) failed`));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
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
    expect(() => migrate(db, 'mem', [{ ...next, version: 2 }])).toThrow(/out of order/);
  });

  it('migration 2 keeps older verdict tags as pair tags, adds empty per-side lists and the OCR table', () => {
    const db = new DatabaseSync(':memory:');
    migrate(db, 'mem', MIGRATIONS.slice(0, 1));
    const old = { id: 'v1', pairKey: 'c#t1#r1', reviewer: 'ann', verdict: 'A_better', tags: ['text.missing'], note: '', blind: false, swapped: false, durationMs: 5, createdAt: '2026-01-01T00:00:00.000Z' };
    db.prepare('INSERT INTO verdicts (id, pair_key, reviewer, verdict, data, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(old.id, old.pairKey, old.reviewer, old.verdict, JSON.stringify(old), old.createdAt);
    expect(migrate(db, 'mem', MIGRATIONS.slice(0, 2))).toEqual([2]);
    const row = db.prepare('SELECT data FROM verdicts WHERE id = ?').get('v1') as { data: string };
    const migrated = JSON.parse(row.data) as Record<string, unknown>;
    expect(migrated).toEqual({ ...old, sideTags: { A: [], B: [] }, dismissed: { A: [], B: [] } });
    expect(VerdictSchema.parse(migrated).tags).toEqual(['text.missing']);
    expect(tables(db)).toContain('ocr_reads');
  });
});
