/**
 * The integrity migration (CHECK constraints) on both backends, and the upgrade path: a database created by an
 * older version (only the first migration) is brought up to date at the next open.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, pgliteTemplateBlob, type TestDatabase } from '@hepatoscope/testing';
import { loadMigrations } from './migrations';
import { openDatabase } from './open';

describe(`integrity constraints (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.cleanup());

  it('rejects physically impossible values', async () => {
    const p = t.db.prisma;
    await expect(p.patient.create({ data: { pseudoId: 'bad-ecog', ecog: 7 } })).rejects.toThrow(/Patient_ecog_range/);
    await expect(p.patient.create({ data: { pseudoId: 'bad-cps', childPughScore: 4 } })).rejects.toThrow(/Patient_childPughScore_range/);
    await expect(p.patient.create({ data: { pseudoId: 'bad-afp', afp: -1 } })).rejects.toThrow(/Patient_measurements_nonneg/);
    await expect(p.job.create({ data: { type: 'x', input: {}, progress: 1.5 } })).rejects.toThrow(/Job_progress_range/);
    const pt = await p.patient.create({ data: { pseudoId: 'ok', ecog: 4, childPughScore: 15, afp: 0 }, select: { id: true } });
    const st = await p.study.create({ data: { patientId: pt.id, modality: 'CT' }, select: { id: true } });
    const geom = { dims: [2, 2, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], storageUri: 'file:x', sha256: 'x' };
    await expect(p.series.create({ data: { studyId: st.id, phase: 'ARTERIAL', ...geom, dims: [2, 2] } })).rejects.toThrow(/Series_geometry_shape/);
    await expect(p.series.create({ data: { studyId: st.id, phase: 'ARTERIAL', ...geom, spacing: [1, 0, 1] } })).rejects.toThrow(/Series_geometry_positive/);
    await expect(p.series.create({ data: { studyId: st.id, phase: 'ARTERIAL', ...geom } })).resolves.toBeDefined();
    const m = await p.model.create({ data: { name: 'm', task: 'MVI', kind: 'logistic', version: '1', origin: 'TRAINED', inputs: [], modelCard: {} }, select: { id: true } });
    const pred = { modelId: m.id, modelVersion: '1', patientId: pt.id, inputSnapshot: {} };
    await expect(p.prediction.create({ data: { ...pred, probability: 1.2 } })).rejects.toThrow(/Prediction_probability_range/);
    await expect(p.prediction.create({ data: { ...pred, probability: 0.5, ciLow: 0.6, ciHigh: 0.4 } })).rejects.toThrow(/Prediction_probability_range/);
    await expect(p.prediction.create({ data: { ...pred, probability: 0.5, ciLow: 0.4, ciHigh: 0.6 } })).resolves.toBeDefined();
  });
});

describe('upgrade: a database at an older migration is brought up to date on open', () => {
  it('applies only the missing migrations and keeps the data', async () => {
    const all = loadMigrations();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hepatoscope-migr-old-'));
    fs.mkdirSync(path.join(oldDir, all[0]!.name));
    fs.writeFileSync(path.join(oldDir, all[0]!.name, 'migration.sql'), all[0]!.sql);
    const url = process.env.DATABASE_URL;
    const schema = `t_upgrade_${process.pid}`;
    const target = url ? { databaseUrl: url, schema } : { inMemory: true, env: {}, loadDataDir: await pgliteTemplateBlob('empty') };
    // PGlite in memory cannot be reopened: for it, upgrade by applying the full set on the same instance.
    const old = await openDatabase({ ...target, migrationsDir: oldDir });
    try {
      expect(old.migrations.applied).toEqual([all[0]!.name]);
      await old.prisma.patient.create({ data: { pseudoId: 'survivor', ecog: 1 } });
      if (url) {
        await old.close();
        const upgraded = await openDatabase(target);
        try {
          expect(upgraded.migrations.applied).toEqual(all.slice(1).map((m) => m.name));
          expect(await upgraded.prisma.patient.count({ where: { pseudoId: 'survivor' } })).toBe(1);
        } finally {
          await upgraded.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
          await upgraded.close();
        }
      } else {
        const { applyMigrations } = await import('./migrations');
        const report = await applyMigrations(old.sql, all);
        expect(report.applied).toEqual(all.slice(1).map((m) => m.name));
        expect(report.alreadyApplied).toBe(1);
        expect(await old.prisma.patient.count({ where: { pseudoId: 'survivor' } })).toBe(1);
      }
    } finally {
      await old.close();
      fs.rmSync(oldDir, { recursive: true, force: true });
    }
  });
});
