/**
 * PACS study search (QIDO-RS through `pacs.searchStudies`): one zod schema for the API input, the service's type and
 * the portal's search form, which validates with it before sending. Browser-safe.
 */
import { z } from 'zod';

/** Longest QIDO matching text accepted (DICOM LO/PN component length). */
export const PACS_MATCH_MAX = 64;

/** QIDO matching text: trimmed, printable, no backslash (the DICOM value separator), at most 64 characters. */
export const pacsMatchTextSchema = z
  .string()
  .trim()
  .max(PACS_MATCH_MAX, `at most ${PACS_MATCH_MAX} characters`)
  .refine((v) => ![...v].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20), 'printable text without backslashes');

/** True when `v` is `YYYY-MM-DD` and that day exists (2025-02-30 does not). */
export function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** A study date bound: an existing calendar day written `YYYY-MM-DD`. */
export const pacsDateSchema = z.string().refine(isCalendarDate, 'use YYYY-MM-DD (an existing day)');

/** The search criteria (every one optional; none lists the first studies). */
const criteriaShape = {
  /** DICOM PatientID (exact, or with `*`/`?` wildcards). */
  patientId: pacsMatchTextSchema.optional(),
  /** Patient name; prefix match unless it contains a wildcard. */
  patientName: pacsMatchTextSchema.optional(),
  /** Study date range (inclusive bounds, either may be open). */
  dateFrom: pacsDateSchema.optional(),
  dateTo: pacsDateSchema.optional(),
  /** ModalitiesInStudy, a DICOM modality code (CT, MR, …). */
  modality: z
    .string()
    .regex(/^[A-Z]{2,4}$/, 'a DICOM modality code such as CT or MR')
    .optional(),
  accessionNumber: pacsMatchTextSchema.optional(),
};

const datesInOrder = (v: { dateFrom?: string; dateTo?: string }) => !v.dateFrom || !v.dateTo || v.dateFrom <= v.dateTo;
const DATE_ORDER = { path: ['dateTo'], message: 'the "from" date is after the "to" date' };

/** The criteria alone (what the portal's search form holds), dates in order. */
export const pacsSearchCriteriaSchema = z.object(criteriaShape).refine(datesInOrder, DATE_ORDER);
export type PacsSearchCriteria = z.infer<typeof pacsSearchCriteriaSchema>;

/** `pacs.searchStudies` input: the criteria and a page (`page` ≥ 1, `pageSize` 1–100, default 25); no input = page 1. */
export const pacsSearchSchema = z
  .object({
    ...criteriaShape,
    page: z.number().int().min(1).max(10_000).default(1),
    pageSize: z.number().int().min(1).max(100).default(25),
  })
  .refine(datesInOrder, DATE_ORDER)
  .default({ page: 1, pageSize: 25 });
export type PacsSearchInput = z.output<typeof pacsSearchSchema>;
