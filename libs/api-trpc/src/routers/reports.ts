import { roleProcedure, router } from '../trpc';
import { idInput, patientIdInput, reportGenerateInput } from '../inputs';

const pid = (input: unknown) => (input as { patientId?: string })?.patientId ?? null;

/** Structured reports (deterministic HTML from the case data). */
export const reportsRouter = router({
  generate: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: {
        action: 'report.create',
        entity: 'Patient',
        id: pid,
        details: (_, out) => ({ reportId: (out as { id?: string } | undefined)?.id }),
      },
    })
    .input(reportGenerateInput)
    .mutation(({ ctx, input }) => ctx.services.reports.generate(ctx.actor, input)),

  get: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({ audit: { action: 'report.read', entity: 'Report', id: (input) => (input as { id?: string })?.id ?? null } })
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.reports.get(ctx.actor, input.id)),

  listForPatient: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({ audit: { action: 'report.list', entity: 'Patient', id: pid } })
    .input(patientIdInput)
    .query(({ ctx, input }) => ctx.services.reports.listForPatient(ctx.actor, input.patientId)),

  /** Optional rewrite through the admin-configured OpenAI-compatible endpoint (off by default); the HTML is kept. */
  rewrite: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: { action: 'report.rewrite', entity: 'Report', id: (input) => (input as { id?: string })?.id ?? null },
    })
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.services.llm.rewrite(ctx.actor, input.id)),
});
