/**
 * Seeding shared by the load scripts (`bench.ts`, `soak.ts`): the services' test fixture (users, P1–P3, cohort A,
 * models, a meeting) plus `n` synthetic patients `BENCH-00000…` in cohort A, so the fixture clinician sees all of them.
 */
import type { Db } from '@hepatoscope/db';
import { createFixture, type Fixture } from '@hepatoscope/services';

export async function seedLoadData(prisma: Db, filesDir: string, n: number): Promise<Fixture> {
  const fx = await createFixture(prisma, filesDir);
  const rows = Array.from({ length: n }, (_, i) => ({
    pseudoId: `BENCH-${String(i).padStart(5, '0')}`,
    sex: i % 3 ? ('MALE' as const) : ('FEMALE' as const),
    age: 40 + (i % 45),
    aetiology: ['HBV', 'HCV', 'ALCOHOL', 'MASLD'][i % 4]!,
    bclc: (['STAGE_0', 'A', 'B', 'C', 'D'] as const)[i % 5],
    childPugh: (['A', 'B', 'C'] as const)[i % 3],
    afp: (i * 37) % 2000,
    osMonths: (i % 60) + 1,
    osEvent: i % 2 === 0,
  }));
  for (let i = 0; i < rows.length; i += 1000) await prisma.patient.createMany({ data: rows.slice(i, i + 1000) });
  const ids = await prisma.patient.findMany({ where: { pseudoId: { startsWith: 'BENCH-' } }, select: { id: true } });
  for (let i = 0; i < ids.length; i += 1000) {
    await prisma.cohortMembership.createMany({
      data: ids.slice(i, i + 1000).map((p) => ({ cohortId: fx.cohortA, patientId: p.id })),
    });
  }
  return fx;
}
