/** Two processes seeding the radiomics demo at once on one fresh database: one seeds, the other finds it done. */
import fs from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';
import { servicesFor } from '@hepatoscope/testing/fixtures';
import { RADIOMICS_DEMO_MODEL, seedRadiomicsDemo } from './radiomics-demo';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.cleanup());

it('concurrent seeders: exactly one model, cohort and set of phantom patients; no stray files; both succeed', async () => {
  const deps = servicesFor(t).deps;
  const runs = await Promise.all([
    seedRadiomicsDemo(deps, { patients: 24 }),
    seedRadiomicsDemo(deps, { patients: 24 }),
  ]);
  expect(runs.map((r) => r.seeded).sort()).toEqual([false, true]);
  const p = t.db.prisma;
  expect(await p.model.count({ where: { name: RADIOMICS_DEMO_MODEL } })).toBe(1);
  expect(await p.patient.count({ where: { sourceDataset: 'phantoms' } })).toBe(24);
  const files = ['series', 'segmentations'].flatMap((d) =>
    fs.readdirSync(path.join(t.filesDir, d)).map((f) => `file:${d}/${f}`),
  );
  const uris = [
    ...(await p.series.findMany({ select: { storageUri: true } })).map((s) => s.storageUri),
    ...(await p.segmentation.findMany({ select: { maskUri: true } })).map((s) => s.maskUri),
  ];
  expect(files.sort()).toEqual(uris.sort());
}, 120_000);
