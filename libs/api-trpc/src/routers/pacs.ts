import { z } from 'zod';
import { pacsSearchSchema } from '@hepatoscope/domain';
import { roleProcedure, router } from '../trpc';
import { id } from '../inputs';

/** DICOM UID: digits and dots, at most 64 characters. */
const uid = z
  .string()
  .trim()
  .max(64)
  .regex(/^[0-9]+(\.[0-9]+)*$/, 'must be a DICOM UID (digits and dots)');

export const pacsSettingsInput = z.object({
  /** DICOMweb root (`http(s)://host:port/dicom-web`), or null to remove the saved settings. */
  url: z.string().trim().url().max(500).nullable(),
  auth: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('none') }),
      /** Omit password to keep the stored one. */
      z.object({
        type: z.literal('basic'),
        username: z.string().min(1).max(200),
        password: z.string().max(500).optional(),
      }),
      /** Omit token to keep the stored one. */
      z.object({ type: z.literal('bearer'), token: z.string().min(1).max(4000).optional() }),
    ])
    .optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
});

/** The search input: one schema with the portal's form (@hepatoscope/domain). */
export const pacsSearchInput = pacsSearchSchema;

export const pacsImportInput = z.object({
  studyInstanceUid: uid,
  /** Import for this patient (in your scope); without it the patient is matched (or created) by DICOM PatientID. */
  patientId: id.optional(),
  timepoint: z.enum(['BASELINE', 'PRE_TACE', 'POST_TACE', 'FOLLOW_UP', 'OTHER']).optional(),
});

const pid = (_: unknown, out: unknown) => (out as { patientId?: string } | undefined)?.patientId ?? null;

/**
 * PACS over DICOMweb. Admins configure the connection; clinicians search, import studies for patients in their
 * scope and export segmentations (DICOM SEG) and reports (Encapsulated PDF) back with STOW-RS.
 */
export const pacsRouter = router({
  /** The active connection settings (secrets never returned, only `hasSecret`). */
  settings: roleProcedure('ADMIN').query(({ ctx }) => ctx.services.pacs.getSettings()),

  setSettings: roleProcedure('ADMIN')
    .meta({
      audit: {
        action: 'settings.pacs.update',
        entity: 'AppSetting',
        id: () => 'pacs.dicomweb',
        details: (input) => {
          const i = input as { url?: string | null; auth?: { type?: string } } | undefined;
          return { url: i?.url ?? null, authType: i?.auth?.type ?? 'none' };
        },
      },
    })
    .input(pacsSettingsInput)
    .mutation(({ ctx, input }) => ctx.services.pacs.setSettings(ctx.actor, input)),

  /** One QIDO request: does the PACS answer with the active settings? */
  testConnection: roleProcedure('ADMIN').mutation(({ ctx }) => ctx.services.pacs.testConnection()),

  searchStudies: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'pacs.search',
        entity: 'PacsStudy',
        details: (input, out) => {
          const i = (input ?? {}) as Record<string, unknown>;
          return {
            filters: Object.keys(i).filter((k) => !['page', 'pageSize'].includes(k) && i[k] !== undefined),
            results: (out as { items?: unknown[] } | undefined)?.items?.length,
          };
        },
      },
    })
    .input(pacsSearchInput)
    .query(({ ctx, input }) => ctx.services.pacs.searchStudies(ctx.actor, input)),

  importStudy: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'pacs.import',
        entity: 'Patient',
        id: (input, out) => pid(input, out) ?? (input as { patientId?: string })?.patientId ?? null,
        details: (input, out) => {
          const o = out as
            | {
                studyId?: string;
                series?: unknown[];
                skipped?: unknown[];
                failed?: unknown[];
                patientCreated?: boolean;
              }
            | undefined;
          return {
            studyInstanceUid: (input as { studyInstanceUid?: string })?.studyInstanceUid,
            studyId: o?.studyId,
            created: o?.series?.length,
            skipped: o?.skipped?.length,
            failed: o?.failed?.length,
            patientCreated: o?.patientCreated,
          };
        },
      },
    })
    .input(pacsImportInput)
    .mutation(({ ctx, input }) => ctx.services.pacs.importStudy(ctx.actor, input)),

  exportSegmentation: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'pacs.exportSegmentation',
        entity: 'Segmentation',
        id: (input) => (input as { segmentationId?: string })?.segmentationId ?? null,
        details: (_, out) => ({ sopInstanceUid: (out as { sopInstanceUid?: string } | undefined)?.sopInstanceUid }),
      },
    })
    .input(z.object({ segmentationId: id }))
    .mutation(({ ctx, input }) => ctx.services.pacs.exportSegmentation(ctx.actor, input)),

  exportReport: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'pacs.exportReport',
        entity: 'Report',
        id: (input) => (input as { reportId?: string })?.reportId ?? null,
        details: (_, out) => ({
          studyInstanceUid: (out as { studyInstanceUid?: string } | undefined)?.studyInstanceUid,
          sopInstanceUid: (out as { sopInstanceUid?: string } | undefined)?.sopInstanceUid,
        }),
      },
    })
    .input(z.object({ reportId: id, studyInstanceUid: uid.optional() }))
    .mutation(({ ctx, input }) => ctx.services.pacs.exportReport(ctx.actor, input)),
});
