import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import { patientScope, type Access } from './access';
import { bclcLabel, clinicalHeader, iso, latestPredictionPerModel, lesionSummary, predictionInclude } from './mappers';

/**
 * Tumour boards: meetings, agenda, a frozen snapshot of what is presented (taken when the case is put on the
 * agenda, never updated afterwards), decision + recommendation + attendees, and sign-off (after which the case
 * discussion is read-only; a concurrent second sign-off fails with CONFLICT).
 */
export function createBoardsService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;

  /** The snapshot presented to the board: clinical data, lesions and the latest prediction per model. */
  async function snapshot(patientId: string) {
    const p = await prisma.patient.findUniqueOrThrow({
      where: { id: patientId },
      include: {
        lesions: { orderBy: { label: 'asc' } },
        treatments: { orderBy: { date: 'asc' } },
        predictions: { orderBy: { createdAt: 'desc' }, include: predictionInclude },
      },
    });
    const latest = latestPredictionPerModel(p.predictions);
    return {
      takenAt: deps.now().toISOString(),
      patient: {
        ...clinicalHeader(p),
        ecog: p.ecog,
        afp: p.afp,
        bilirubin: p.bilirubin,
        albumin: p.albumin,
        platelets: p.platelets,
      },
      lesions: p.lesions.map(lesionSummary),
      treatments: p.treatments.map((t) => ({ type: t.type, date: iso(t.date), response: t.response })),
      predictions: [...latest.values()].map((d) => ({
        model: d.modelName,
        version: d.modelVersion,
        task: d.task,
        probability: d.probability,
        ci: d.ci,
        riskGroup: d.riskGroup,
        survival: d.survival,
      })),
    };
  }

  return {
    async meetings(_actor: Actor) {
      const rows = await prisma.tumorBoardMeeting.findMany({
        orderBy: { scheduledAt: 'desc' },
        include: { discussions: { select: { status: true } } },
      });
      return rows.map((m) => ({
        id: m.id,
        title: m.title,
        scheduledAt: m.scheduledAt.toISOString(),
        location: m.location,
        status: m.status,
        caseCount: m.discussions.length,
        decidedCount: m.discussions.filter((d) => d.status === 'DECIDED' || d.status === 'SIGNED_OFF').length,
      }));
    },

    async meeting(actor: Actor, id: string) {
      const m = await prisma.tumorBoardMeeting.findUnique({
        where: { id },
        include: {
          discussions: {
            orderBy: { position: 'asc' },
            where: actor.role === 'CLINICIAN' ? { patient: patientScope(actor) } : {},
            include: {
              patient: { select: { id: true, pseudoId: true, age: true, sex: true, bclc: true, childPugh: true } },
              signedOffBy: { select: { name: true, email: true } },
            },
          },
        },
      });
      if (!m) throw new DomainError('NOT_FOUND', `Meeting ${id} was not found`);
      return {
        id: m.id,
        title: m.title,
        scheduledAt: m.scheduledAt.toISOString(),
        location: m.location,
        status: m.status,
        agenda: m.discussions.map((d) => ({
          discussionId: d.id,
          position: d.position,
          patient: { ...d.patient, bclc: bclcLabel(d.patient.bclc) },
          status: d.status,
          question: d.question,
          findings: d.findings,
          decision: d.decision,
          recommendation: d.recommendation,
          attendees: d.attendees,
          decidedAt: iso(d.decidedAt),
          signedOffAt: iso(d.signedOffAt),
          signedOffBy: d.signedOffBy,
          snapshot: d.presentedSnapshot ?? null,
        })),
      };
    },

    async createMeeting(_actor: Actor, input: { title: string; scheduledAt: string }) {
      const m = await prisma.tumorBoardMeeting.create({
        data: { title: input.title, scheduledAt: new Date(input.scheduledAt) },
      });
      return { id: m.id, title: m.title, scheduledAt: m.scheduledAt.toISOString(), status: m.status };
    },

    async addToAgenda(actor: Actor, input: { meetingId: string; patientId: string; question: string }) {
      await access.assertPatient(actor, input.patientId);
      const meeting = await prisma.tumorBoardMeeting.findUnique({
        where: { id: input.meetingId },
        select: { status: true, title: true },
      });
      if (!meeting) throw new DomainError('NOT_FOUND', `Meeting ${input.meetingId} was not found`);
      if (meeting.status === 'CLOSED' || meeting.status === 'CANCELLED') {
        throw new DomainError(
          'INVALID',
          `Meeting "${meeting.title}" is ${meeting.status}; cases can only be added to scheduled or running meetings`,
        );
      }
      const snap = await snapshot(input.patientId);
      const last = await prisma.caseDiscussion.aggregate({
        where: { meetingId: input.meetingId },
        _max: { position: true },
      });
      try {
        const d = await prisma.caseDiscussion.create({
          data: {
            meetingId: input.meetingId,
            patientId: input.patientId,
            position: (last._max.position ?? 0) + 1,
            question: input.question || null,
            presentedSnapshot: snap as unknown as Prisma.InputJsonValue,
            attendees: [],
          },
        });
        return { discussionId: d.id, position: d.position, status: d.status };
      } catch (e) {
        if ((e as { code?: string }).code === 'P2002')
          throw new DomainError(
            'CONFLICT',
            `Patient ${snap.patient.pseudoId} is already on the agenda of "${meeting.title}"`,
          );
        throw e;
      }
    },

    async recordDecision(
      actor: Actor,
      input: { discussionId: string; decision: string; recommendation: string; attendees: string[]; signOff: boolean },
    ) {
      const d = await prisma.caseDiscussion.findUnique({
        where: { id: input.discussionId },
        select: { status: true, meeting: { select: { status: true } } },
      });
      if (!d) throw new DomainError('NOT_FOUND', `Case discussion ${input.discussionId} was not found`);
      if (d.status === 'SIGNED_OFF')
        throw new DomainError(
          'CONFLICT',
          `Case discussion ${input.discussionId} is signed off and can no longer change`,
        );
      if (d.meeting.status === 'CANCELLED') throw new DomainError('INVALID', 'The meeting was cancelled');
      const now = deps.now();
      const res = await prisma.caseDiscussion.updateMany({
        where: { id: input.discussionId, status: { not: 'SIGNED_OFF' } },
        data: {
          decision: input.decision,
          recommendation: input.recommendation || null,
          attendees: input.attendees,
          decidedAt: now,
          status: input.signOff ? 'SIGNED_OFF' : 'DECIDED',
          ...(input.signOff ? { signedOffById: actor.userId, signedOffAt: now } : {}),
        },
      });
      if (res.count !== 1)
        throw new DomainError('CONFLICT', `Case discussion ${input.discussionId} was signed off concurrently`);
      const after = await prisma.caseDiscussion.findUniqueOrThrow({ where: { id: input.discussionId } });
      return {
        discussionId: after.id,
        status: after.status,
        decision: after.decision,
        recommendation: after.recommendation,
        attendees: after.attendees,
        decidedAt: iso(after.decidedAt),
        signedOffAt: iso(after.signedOffAt),
      };
    },
  };
}

export type BoardsService = ReturnType<typeof createBoardsService>;
