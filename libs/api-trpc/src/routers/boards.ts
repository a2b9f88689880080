import { roleProcedure, router } from '../trpc';
import { agendaAddInput, decisionInput, idInput, meetingCreateInput } from '../inputs';

export const boardsRouter = router({
  meetings: roleProcedure('TUMOR_BOARD', 'CLINICIAN', 'ADMIN').query(({ ctx }) =>
    ctx.services.boards.meetings(ctx.actor),
  ),

  /** Meeting with its agenda (patients are audited as read). */
  meeting: roleProcedure('TUMOR_BOARD', 'CLINICIAN')
    .meta({
      audit: {
        action: 'board.meeting.read',
        entity: 'TumorBoardMeeting',
        id: (input) => (input as { id?: string })?.id ?? null,
      },
    })
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.boards.meeting(ctx.actor, input.id)),

  createMeeting: roleProcedure('TUMOR_BOARD', 'ADMIN')
    .meta({
      audit: {
        action: 'board.meeting.create',
        entity: 'TumorBoardMeeting',
        id: (_, out) => (out as { id?: string } | undefined)?.id ?? null,
      },
    })
    .input(meetingCreateInput)
    .mutation(({ ctx, input }) => ctx.services.boards.createMeeting(ctx.actor, input)),

  /** Put a case on the agenda; freezes a snapshot of what will be presented. */
  addToAgenda: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: {
        action: 'board.agenda.add',
        entity: 'Patient',
        id: (input) => (input as { patientId?: string })?.patientId ?? null,
        details: (input) => ({ meetingId: (input as { meetingId?: string })?.meetingId }),
      },
    })
    .input(agendaAddInput)
    .mutation(({ ctx, input }) => ctx.services.boards.addToAgenda(ctx.actor, input)),

  /** Decision, recommendation, attendees; sign-off makes the discussion immutable. */
  recordDecision: roleProcedure('TUMOR_BOARD')
    .meta({
      audit: {
        action: 'board.decision.record',
        entity: 'CaseDiscussion',
        id: (input) => (input as { discussionId?: string })?.discussionId ?? null,
      },
    })
    .input(decisionInput)
    .mutation(({ ctx, input }) => ctx.services.boards.recordDecision(ctx.actor, input)),
});
