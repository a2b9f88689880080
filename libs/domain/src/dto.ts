/**
 * zod schemas of the inputs shared by API and portal (browser-safe). Each rejects with a message naming the field.
 */
import { z } from 'zod';
import { BCLC_STAGES, CHILD_PUGH_CLASSES, COHORT_SPLITS, ROLES, SEXES } from './enums';

/** Page request: `page` ≥ 1, `pageSize` 1–200 (default 25). */
export const paginationSchema = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(25),
});
export type Pagination = z.infer<typeof paginationSchema>;

/** `patients.list` input (DEVELOPERS.md API surface). */
export const patientListQuerySchema = paginationSchema.extend({
  /** Substring of the pseudonymous id (case-insensitive). */
  search: z.string().trim().max(100).optional(),
  cohortId: z.string().uuid().optional(),
  bclc: z.enum(BCLC_STAGES).optional(),
  childPugh: z.enum(CHILD_PUGH_CLASSES).optional(),
  sex: z.enum(SEXES).optional(),
  sourceDataset: z.string().max(100).optional(),
  split: z.enum(COHORT_SPLITS).optional(),
});
export type PatientListQuery = z.infer<typeof patientListQuerySchema>;

/** `auth.login` input; e-mail normalised to lower case. */
export const loginSchema = z.object({
  email: z
    .string()
    .trim()
    .max(254)
    .email('email must be an e-mail address')
    .transform((e) => e.toLowerCase()),
  password: z.string().min(1, 'password is required').max(1024),
});
export type LoginInput = z.infer<typeof loginSchema>;

/** A user as shown to clients. */
export const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
});
export type UserViewDto = z.infer<typeof userViewSchema>;

/** One point of a survival curve: time in months, survival and its CI. */
export const survivalPointSchema = z.object({ t: z.number().min(0), s: z.number().min(0).max(1), lo: z.number().min(0).max(1), hi: z.number().min(0).max(1) });
export type SurvivalPoint = z.infer<typeof survivalPointSchema>;

/** Nomogram breakdown stored in `Prediction.nomogram`. */
export const nomogramSchema = z.object({
  points: z.array(z.object({ predictor: z.string(), value: z.number().nullable(), points: z.number() })),
  totalPoints: z.number(),
});
export type Nomogram = z.infer<typeof nomogramSchema>;
