import { z } from 'zod';
import { roleProcedure, router } from '../trpc';
import { id } from '../inputs';

/**
 * De-identified exports (services `usecases/export.ts`): CSV with keyed pseudonyms, DICOM under the PS3.15 basic
 * profile. Mutations, so a cookie session needs the CSRF header (an export never runs from a link); every export is
 * audited with what left the system (rows / instances), never the content.
 */
export const exportsRouter = router({
  /** A cohort's members as CSV (ADMIN: any cohort; CLINICIAN: cohorts they may access). */
  cohortCsv: roleProcedure('ADMIN', 'CLINICIAN')
    .meta({
      audit: {
        action: 'export.cohort.csv',
        entity: 'Cohort',
        id: (input) => (input as { cohortId?: string })?.cohortId ?? null,
        details: (_, out) => ({ rows: (out as { rows?: number } | undefined)?.rows, columns: (out as { columns?: unknown[] } | undefined)?.columns?.length }),
      },
    })
    .input(z.object({ cohortId: id, features: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => ctx.services.exports.cohortCsv(ctx.actor, input)),

  /** The clinician's patients (care + accessible cohorts) as CSV. */
  patientsCsv: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'export.patients.csv',
        entity: 'Patient',
        details: (_, out) => ({ rows: (out as { rows?: number } | undefined)?.rows }),
      },
    })
    .input(z.object({ features: z.boolean().default(true) }).default({ features: true }))
    .mutation(({ ctx, input }) => ctx.services.exports.patientsCsv(ctx.actor, input)),

  /** A series as a zip (base64) of de-identified DICOM slices. */
  seriesDicom: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'export.series.dicom',
        entity: 'Series',
        id: (input) => (input as { seriesId?: string })?.seriesId ?? null,
        details: (_, out) => ({ instances: (out as { instances?: number } | undefined)?.instances }),
      },
    })
    .input(z.object({ seriesId: id }))
    .mutation(({ ctx, input }) => ctx.services.exports.seriesDicom(ctx.actor, input)),
});
