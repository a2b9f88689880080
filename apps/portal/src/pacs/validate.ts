/** Form checks of the PACS pages, run before anything is sent (the same rules as the API's zod inputs). */
import { pacsSearchCriteriaSchema, type PacsSearchCriteria } from '@hepatoscope/domain';

export type AuthType = 'none' | 'basic' | 'bearer';

/** The search criteria, as `pacs.searchStudies` takes them (less the page). */
export type PacsCriteria = PacsSearchCriteria;

/** Checks the form before sending; returns the first problem or null. */
export function validatePacsSettings(f: { url: string; authType: AuthType; username: string; secret: string; hasSecret: boolean; sameType: boolean; timeoutS: string }): string | null {
  let u: URL;
  try {
    u = new URL(f.url.trim());
  } catch {
    return 'Enter the DICOMweb URL, e.g. http://pacs.example.org:8042/dicom-web.';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'The DICOMweb URL must start with http:// or https://.';
  if (u.username || u.password) return 'Put the credentials in the authentication fields, not in the URL.';
  if (f.authType === 'basic' && !f.username.trim()) return 'Enter the user name for basic authentication.';
  const keep = f.hasSecret && f.sameType;
  if (f.authType === 'basic' && !f.secret && !keep) return 'Enter the password for basic authentication.';
  if (f.authType === 'bearer' && !f.secret && !keep) return 'Enter the bearer token.';
  const t = Number(f.timeoutS);
  if (!Number.isInteger(t) || t < 1 || t > 600) return 'The timeout is a whole number of seconds from 1 to 600.';
  return null;
}

/** Field names of the search form, as its error messages say them. */
const CRITERIA_LABELS: Record<keyof PacsCriteria, string> = {
  patientId: 'Patient ID',
  patientName: 'Patient name',
  dateFrom: 'From date',
  dateTo: 'To date',
  modality: 'Modality',
  accessionNumber: 'Accession number',
};

/**
 * Checks the search form before anything is sent, with the API's own schema (`pacsSearchCriteriaSchema` of
 * @hepatoscope/domain: printable text ≤ 64 characters without backslashes, existing YYYY-MM-DD dates, from ≤ to, a
 * modality code). Empty fields are left out. Returns the criteria as the schema outputs them (trimmed) or the first
 * problem, named by its field ("Patient name: printable text without backslashes.").
 */
export function validatePacsCriteria(f: Record<keyof PacsCriteria, string>): { criteria: PacsCriteria } | { error: string } {
  const given = Object.fromEntries(
    (Object.keys(CRITERIA_LABELS) as (keyof PacsCriteria)[]).map((k) => [k, f[k]?.trim() ?? '']).filter(([, v]) => v !== ''),
  );
  const r = pacsSearchCriteriaSchema.safeParse(given);
  if (r.success) return { criteria: r.data };
  const issue = r.error.issues[0];
  const field = issue.path[0] as keyof PacsCriteria | undefined;
  // the date-order rule names both dates itself
  if (!field || issue.path.length !== 1 || /"from" date/.test(issue.message)) return { error: `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}.` };
  return { error: `${CRITERIA_LABELS[field] ?? String(field)}: ${issue.message}.` };
}
