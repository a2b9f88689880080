import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';
import { DEMO_USERS, nextWeekday, seedDemo, type SyntheticImagingProvider } from './demo';

/** A stand-in generator: the seed stores bytes and geometry; it does not parse images. */
const fakeImaging: SyntheticImagingProvider = async ({ pseudoId, seed }) => {
  const bytes = (tag: string) => new TextEncoder().encode(`${pseudoId}:${seed}:${tag}`);
  const geom = { dims: [8, 8, 4] as [number, number, number], spacing: [1, 1, 2.5] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  return [
    {
      modality: 'CT',
      timepoint: 'BASELINE',
      description: 'phantom',
      series: [
        { phase: 'ARTERIAL', ...geom, niftiGz: bytes('art') },
        { phase: 'PORTAL_VENOUS', ...geom, niftiGz: bytes('pv') },
      ],
      lesions: [{ label: 'L1', diameterMm: 31, enhancementPattern: 'APHE with washout' }],
      segmentations: [{ seriesIndex: 1, structure: 'LESION', lesionLabel: 'L1', labels: { '1': 'lesion' }, niftiGz: bytes('mask') }],
    },
  ];
};

describe(`seedDemo (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.cleanup());

  it('seeds cohorts, users, board, models and synthetic imaging once', async () => {
    const now = new Date('2026-03-02T10:00:00Z'); // a Monday
    const res = await seedDemo(t.db, {
      maxPatientsPerDataset: 30,
      bcryptCost: 4,
      demoPassword: 'correct horse',
      filesDir: t.filesDir,
      syntheticImaging: fakeImaging,
      syntheticPatients: 2,
      now,
    });
    expect(res.seeded).toBe(true);
    expect(res.counts).toMatchObject({ users: 3, cohorts: 4, patients: 120, models: 2, meetings: 2, discussions: 5, syntheticStudies: 2 });
    const p = t.db.prisma;
    expect(await p.patient.count()).toBe(120);
    expect(await p.cohortMembership.count()).toBe(120);
    expect(await p.cohort.count({ where: { sourceDataset: 'uci-hcc-survival' } })).toBe(1);

    // logins: one per role, password hashed with bcrypt
    const users = await p.user.findMany({ select: { email: true, role: true, passwordHash: true }, orderBy: { email: 'asc' } });
    expect(users.map((u) => u.role).sort()).toEqual(['ADMIN', 'CLINICIAN', 'TUMOR_BOARD']);
    for (const u of users) {
      expect(u.passwordHash).not.toContain('correct horse');
      expect(await bcrypt.compare('correct horse', u.passwordHash)).toBe(true);
    }
    expect(res.logins.map((l) => l.email)).toEqual(DEMO_USERS.map((u) => u.email));

    // board: upcoming meeting on Thursday 16:00 UTC with 4 pending cases of different BCLC stages
    const meeting = await p.tumorBoardMeeting.findFirst({
      where: { status: 'SCHEDULED' },
      select: { scheduledAt: true, discussions: { select: { position: true, status: true, patient: { select: { bclc: true } } }, orderBy: { position: 'asc' } } },
    });
    expect(meeting!.scheduledAt.toISOString()).toBe('2026-03-05T16:00:00.000Z');
    expect(meeting!.discussions.map((d) => d.patient.bclc)).toEqual(['A', 'B', 'C', 'D']);
    expect(meeting!.discussions.every((d) => d.status === 'PENDING')).toBe(true);
    expect(await p.caseDiscussion.count({ where: { status: 'SIGNED_OFF', signedOffById: { not: null } } })).toBe(1);

    // models: published, not validated here
    const models = await p.model.findMany({ select: { origin: true, status: true, modelCard: true } });
    expect(models.every((m) => m.origin === 'PUBLISHED' && m.status === 'DRAFT')).toBe(true);

    // synthetic imaging: rows marked synthetic, files written with their checksum
    const series = await p.series.findMany({ select: { storageUri: true, sha256: true, synthetic: true, dims: true, study: { select: { synthetic: true, description: true } } } });
    expect(series).toHaveLength(4);
    for (const s of series) {
      expect(s.synthetic && s.study.synthetic).toBe(true);
      expect(s.study.description).toMatch(/^SYNTHETIC/);
      expect(s.dims).toEqual([8, 8, 4]);
      const bytes = fs.readFileSync(path.join(t.filesDir, s.storageUri.replace(/^file:/, '')));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(s.sha256);
    }
    const seg = await p.segmentation.findFirst({ select: { structure: true, lesion: { select: { label: true, diameterMm: true } }, series: { select: { phase: true } } } });
    expect(seg).toMatchObject({ structure: 'LESION', lesion: { label: 'L1', diameterMm: 31 }, series: { phase: 'PORTAL_VENOUS' } });

    // idempotent
    const again = await seedDemo(t.db.prisma, { maxPatientsPerDataset: 30, bcryptCost: 4 });
    expect(again.seeded).toBe(false);
    expect(await p.patient.count()).toBe(120);
    expect(await p.user.count()).toBe(3);
  });

  it('two concurrent seeders on one fresh database: one seeds, the other waits and finds it done (no duplicates, no stray files)', async () => {
    const fresh = await createTestDatabase();
    try {
      const opts = { maxPatientsPerDataset: 8, datasets: ['tcia-hcc-tace-seg'], bcryptCost: 4, filesDir: fresh.filesDir, syntheticImaging: fakeImaging, syntheticPatients: 1 };
      const runs = await Promise.all([seedDemo(fresh.db, opts), seedDemo(fresh.db, opts)]);
      expect(runs.map((r) => r.seeded).sort()).toEqual([false, true]);
      const p = fresh.db.prisma;
      expect(await p.user.count()).toBe(3);
      const winner = runs.find((r) => r.seeded)!;
      expect(winner.counts.patients).toBe(8);
      expect(winner.counts.syntheticStudies).toBe(1);
      expect(await p.patient.count()).toBe(8);
      expect(await p.cohort.count()).toBe(1);
      expect(await p.seedRun.count()).toBe(1);
      // only the winner's synthetic files remain, each referenced by a row
      const rows = await p.series.findMany({ select: { storageUri: true } });
      const segs = await p.segmentation.findMany({ select: { maskUri: true } });
      const onDisk = ['series', 'segmentations'].flatMap((d) => (fs.existsSync(path.join(fresh.filesDir, d)) ? fs.readdirSync(path.join(fresh.filesDir, d)).map((f) => `file:${d}/${f}`) : []));
      expect(onDisk.sort()).toEqual([...rows.map((r) => r.storageUri), ...segs.map((s) => s.maskUri)].sort());
    } finally {
      await fresh.cleanup();
    }
  });

  it('nextWeekday returns the next given weekday strictly after the date', () => {
    expect(nextWeekday(new Date('2026-03-05T20:00:00Z'), 4, 16).toISOString()).toBe('2026-03-12T16:00:00.000Z');
  });
});
