import { createHash } from 'node:crypto';
import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { clinicalHeader, iso, latestPredictionPerModel, lesionSummary, predictionInclude } from './mappers';
import { htmlToText } from './llm';
import { renderTextPdf } from './pdf';

/** HTML-escape text for element content and attribute values. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const fmt = (v: number | null | undefined, digits = 1, unit = '') =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}${unit}`;
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)} %`);

export interface ReportContent {
  patient: Record<string, unknown>;
  lesions: Array<{
    label: string;
    type: string;
    diameterMm: number | null;
    volumeMl: number | null;
    enhancementPattern: string | null;
    liRads: string | null;
  }>;
  predictions: Array<{
    model: string;
    version: string;
    task: string;
    probability: number | null;
    ci: [number, number] | null;
    riskGroup: string | null;
    survival: {
      medianMonths: number | null;
      horizons: Array<{ t: number; s: number; lo: number | null; hi: number | null }>;
    } | null;
    at: string;
  }>;
  board: {
    meeting: string;
    date: string;
    status: string;
    decision: string | null;
    recommendation: string | null;
    attendees: string[];
    signedOffAt: string | null;
  } | null;
  synthetic: boolean;
}

/**
 * Deterministic structured report: the same case data always renders byte-identical HTML (no clock, no
 * randomness; `sha256` of the HTML is stored). Sections: patient, lesions (size, enhancement pattern), model outputs
 * with 95 % CI, survival estimate, tumour-board decision. Every value is HTML-escaped.
 */
export function renderReportHtml(c: ReportContent): string {
  const p = c.patient;
  const rows = (pairs: Array<[string, string]>) =>
    pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const lesions = c.lesions.length
    ? `<table><thead><tr><th>Lesion</th><th>Type</th><th>Diameter</th><th>Volume</th><th>Enhancement</th><th>LI-RADS</th></tr></thead><tbody>${c.lesions
        .map(
          (l) =>
            `<tr><td>${esc(l.label)}</td><td>${esc(l.type)}</td><td>${esc(fmt(l.diameterMm, 0, ' mm'))}</td><td>${esc(fmt(l.volumeMl, 1, ' mL'))}</td><td>${esc(l.enhancementPattern ?? '—')}</td><td>${esc(l.liRads ?? '—')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No lesions recorded.</p>';
  const preds = c.predictions.length
    ? `<table><thead><tr><th>Model</th><th>Task</th><th>Result</th><th>95 % CI</th><th>Risk group</th></tr></thead><tbody>${c.predictions
        .map((m) => {
          const result =
            m.probability !== null
              ? pct(m.probability)
              : m.survival
                ? `median ${m.survival.medianMonths === null ? 'not reached' : fmt(m.survival.medianMonths, 1, ' months')}`
                : '—';
          const ci = m.ci ? `${pct(m.ci[0])} – ${pct(m.ci[1])}` : 'not available';
          return `<tr><td>${esc(`${m.model} v${m.version}`)}</td><td>${esc(m.task)}</td><td>${esc(result)}</td><td>${esc(ci)}</td><td>${esc(m.riskGroup ?? '—')}</td></tr>`;
        })
        .join('')}</tbody></table>`
    : '<p>No model outputs.</p>';
  const surv = c.predictions.find((m) => m.survival)?.survival;
  const survival = surv
    ? `<ul>${surv.horizons.map((h) => `<li>${esc(`${h.t} months: ${pct(h.s)}${h.lo !== null && h.hi !== null ? ` (95 % CI ${pct(h.lo)} – ${pct(h.hi)})` : ''}`)}</li>`).join('')}</ul>`
    : '<p>No survival estimate.</p>';
  const b = c.board;
  const board = b
    ? `<table>${rows([
        ['Meeting', `${b.meeting} (${b.date.slice(0, 10)})`],
        ['Status', b.status],
        ['Decision', b.decision ?? '—'],
        ['Recommendation', b.recommendation ?? '—'],
        ['Attendees', b.attendees.join(', ') || '—'],
        ['Signed off', b.signedOffAt ? b.signedOffAt.slice(0, 16).replace('T', ' ') + ' UTC' : 'no'],
      ])}</table>`
    : '<p>Not discussed at a tumour board.</p>';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>' + esc(`Hepatoscope report ${p.pseudoId}`) + '</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111}table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}.warn{background:#fff3cd;padding:.5rem}</style>',
    '</head><body>',
    `<h1>Structured report — ${esc(p.pseudoId)}</h1>`,
    '<p class="warn">Research software, not a medical device. Model outputs support, and do not replace, clinical judgement.' +
      (c.synthetic ? ' Imaging for this case is <strong>SYNTHETIC</strong> (generated phantom).' : '') +
      '</p>',
    '<h2>Patient</h2>',
    `<table>${rows([
      ['Pseudonymous id', String(p.pseudoId)],
      ['Sex / age', `${p.sex ?? '—'} / ${p.age ?? '—'}`],
      ['Aetiology', String(p.aetiology ?? '—')],
      ['Cirrhosis', p.cirrhosis === null || p.cirrhosis === undefined ? '—' : p.cirrhosis ? 'yes' : 'no'],
      ['Child-Pugh', String(p.childPugh ?? '—')],
      ['BCLC', String(p.bclc ?? '—')],
      ['AFP', fmt(p.afp as number | null, 1, ' ng/mL')],
      [
        'Bilirubin / albumin',
        `${fmt(p.bilirubin as number | null, 2, ' mg/dL')} / ${fmt(p.albumin as number | null, 1, ' g/dL')}`,
      ],
    ])}</table>`,
    '<h2>Lesions</h2>',
    lesions,
    '<h2>Model outputs</h2>',
    preds,
    '<h2>Survival estimate</h2>',
    survival,
    '<h2>Tumour board</h2>',
    board,
    '</body></html>',
    '',
  ].join('\n');
}

/** Structured reports: generate (deterministic HTML, stored with its SHA-256) and read. */
export function createReportsService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;
  return {
    async generate(actor: Actor, input: { patientId: string; discussionId?: string }) {
      await access.assertPatient(actor, input.patientId);
      const p = await prisma.patient.findUniqueOrThrow({
        where: { id: input.patientId },
        include: {
          lesions: { orderBy: { label: 'asc' } },
          predictions: { orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], include: predictionInclude },
          studies: { select: { synthetic: true } },
        },
      });
      const d = input.discussionId
        ? await prisma.caseDiscussion.findFirst({
            where: { id: input.discussionId, patientId: p.id },
            include: { meeting: true },
          })
        : await prisma.caseDiscussion.findFirst({
            where: { patientId: p.id },
            orderBy: { meeting: { scheduledAt: 'desc' } },
            include: { meeting: true },
          });
      if (input.discussionId && !d)
        throw new DomainError('NOT_FOUND', `Case discussion ${input.discussionId} is not one of patient ${p.pseudoId}`);
      const latest = latestPredictionPerModel(p.predictions);
      const content: ReportContent = {
        patient: {
          ...clinicalHeader(p),
          afp: p.afp,
          bilirubin: p.bilirubin,
          albumin: p.albumin,
        },
        lesions: p.lesions.map(lesionSummary),
        predictions: [...latest.values()]
          .sort((a, b) => a.modelName.localeCompare(b.modelName))
          .map((m) => ({
            model: m.modelName,
            version: m.modelVersion,
            task: m.task,
            probability: m.probability,
            ci: m.ci,
            riskGroup: m.riskGroup,
            survival: m.survival
              ? {
                  medianMonths: m.survival.medianMonths,
                  horizons: m.survival.horizons as Array<{
                    t: number;
                    s: number;
                    lo: number | null;
                    hi: number | null;
                  }>,
                }
              : null,
            at: m.createdAt,
          })),
        board: d
          ? {
              meeting: d.meeting.title,
              date: d.meeting.scheduledAt.toISOString(),
              status: d.status,
              decision: d.decision,
              recommendation: d.recommendation,
              attendees: d.attendees,
              signedOffAt: iso(d.signedOffAt),
            }
          : null,
        synthetic: p.studies.some((s) => s.synthetic),
      };
      const html = renderReportHtml(content);
      const sha256 = createHash('sha256').update(html).digest('hex');
      const r = await prisma.report.create({
        data: {
          patientId: p.id,
          discussionId: d?.id ?? null,
          kind: 'structured',
          content: content as unknown as Prisma.InputJsonValue,
          html,
          sha256,
          createdById: actor.userId,
        },
      });
      return {
        id: r.id,
        patientId: p.id,
        discussionId: r.discussionId,
        html,
        sha256,
        createdAt: r.createdAt.toISOString(),
      };
    },

    async get(actor: Actor, id: string) {
      const r = await prisma.report.findUnique({ where: { id } });
      if (!r) throw new DomainError('NOT_FOUND', `Report ${id} was not found`);
      await access.assertPatient(actor, r.patientId);
      return {
        id: r.id,
        patientId: r.patientId,
        discussionId: r.discussionId,
        kind: r.kind,
        html: r.html,
        sha256: r.sha256,
        llmText: r.llmText,
        createdAt: r.createdAt.toISOString(),
      };
    },

    /** The report as PDF (text layout of the deterministic HTML; same report → same bytes). */
    async pdf(actor: Actor, id: string): Promise<{ bytes: Uint8Array; fileName: string; patientId: string }> {
      const r = await prisma.report.findUnique({ where: { id }, include: { patient: { select: { pseudoId: true } } } });
      if (!r) throw new DomainError('NOT_FOUND', `Report ${id} was not found`);
      await access.assertPatient(actor, r.patientId);
      const bytes = renderTextPdf(htmlToText(r.html), { title: `Hepatoscope report ${r.patient.pseudoId}` });
      return { bytes, fileName: `report-${r.patient.pseudoId}-${r.sha256.slice(0, 8)}.pdf`, patientId: r.patientId };
    },

    async listForPatient(actor: Actor, patientId: string) {
      await access.assertPatient(actor, patientId);
      const rows = await prisma.report.findMany({
        where: { patientId },
        orderBy: { createdAt: 'desc' },
        select: { id: true, kind: true, sha256: true, discussionId: true, createdAt: true },
      });
      return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
