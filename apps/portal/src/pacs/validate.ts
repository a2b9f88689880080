/** Form checks of the PACS pages, run before anything is sent (the same rules as the API's zod inputs). */

export type AuthType = 'none' | 'basic' | 'bearer';

const ISO = /^\d{4}-\d{2}-\d{2}$/;

export interface PacsCriteria {
  patientId?: string;
  patientName?: string;
  dateFrom?: string;
  dateTo?: string;
  modality?: string;
  accessionNumber?: string;
}

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

/**
 * Checks the search form before anything is sent: the same rules as the API (printable text ≤ 64 characters without
 * backslashes, ISO dates, from ≤ to). Returns the criteria (empty fields dropped) or the first problem.
 */
export function validatePacsCriteria(f: Record<keyof PacsCriteria, string>): { criteria: PacsCriteria } | { error: string } {
  const out: PacsCriteria = {};
  const labels: Record<string, string> = { patientId: 'Patient ID', patientName: 'Patient name', accessionNumber: 'Accession number' };
  for (const k of ['patientId', 'patientName', 'accessionNumber'] as const) {
    const v = f[k].trim();
    if (!v) continue;
    if (v.length > 64) return { error: `${labels[k]}: at most 64 characters.` };
    if ([...v].some((c) => c === '\\' || c.charCodeAt(0) < 0x20)) return { error: `${labels[k]}: printable text without backslashes.` };
    out[k] = v;
  }
  for (const k of ['dateFrom', 'dateTo'] as const) {
    const v = f[k].trim();
    if (!v) continue;
    if (!ISO.test(v) || Number.isNaN(Date.parse(v))) return { error: `${k === 'dateFrom' ? 'From' : 'To'} date: use YYYY-MM-DD.` };
    out[k] = v;
  }
  if (out.dateFrom && out.dateTo && out.dateFrom > out.dateTo) return { error: 'The "from" date is after the "to" date.' };
  if (f.modality) out.modality = f.modality;
  return { criteria: out };
}
