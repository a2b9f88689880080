'use client';
import { Badge } from '@hepatoscope/ui';
import { fmtDate } from '../lib/contract';
import type { PatientDetail } from './CaseView';

const FIELDS: [string, string, (v: unknown) => string][] = [
  ['sex', 'Sex', String],
  ['age', 'Age', (v) => `${v} y`],
  ['aetiology', 'Aetiology', String],
  ['cirrhosis', 'Cirrhosis', (v) => (v ? 'yes' : 'no')],
  ['childPugh', 'Child–Pugh', String],
  ['bclc', 'BCLC', String],
  ['ecog', 'ECOG', String],
  ['tumourCount', 'Tumours', String],
  ['maxTumourDiameterMm', 'Largest tumour', (v) => `${v} mm`],
  ['vascularInvasion', 'Vascular invasion', (v) => (v ? 'yes' : 'no')],
  ['portalVeinThrombosis', 'PVTT', (v) => (v ? 'yes' : 'no')],
  ['extrahepaticSpread', 'Extrahepatic spread', (v) => (v ? 'yes' : 'no')],
  ['afp', 'AFP', (v) => `${v} ng/mL`],
  ['bilirubin', 'Bilirubin', (v) => `${v} mg/dL`],
  ['albumin', 'Albumin', (v) => `${v} g/dL`],
  ['platelets', 'Platelets', (v) => `${v} ×10⁹/L`],
  ['osMonths', 'OS', (v) => `${Number(v).toFixed(1)} mo`],
  ['osEvent', 'Death', (v) => (v ? 'yes' : 'censored')],
  ['rfsMonths', 'RFS', (v) => `${Number(v).toFixed(1)} mo`],
  ['rfsEvent', 'Recurrence', (v) => (v ? 'yes' : 'censored')],
  ['taceResponse', 'TACE response', String],
];

/** Clinical variables and outcomes (fields absent from the record are skipped). */
export function PatientSummary({ patient }: { patient: PatientDetail }) {
  const src: Record<string, unknown> = {
    ...patient,
    ...((patient.clinical as Record<string, unknown> | undefined) ?? {}),
    ...((patient.outcomes as Record<string, unknown> | undefined) ?? {}),
  };
  const rows = FIELDS.filter(([k]) => src[k] !== undefined && src[k] !== null);
  const cohorts = ((patient.cohorts as { name: string }[] | undefined) ?? []).map((c) => c.name);
  return (
    <section className="hs-panel" data-testid="patient-summary">
      <h3>Patient</h3>
      <dl className="hs-kv">
        <dt>Pseudo-id</dt>
        <dd>{patient.pseudoId}</dd>
        {rows.map(([k, label, f]) => (
          <span key={k} style={{ display: 'contents' }}>
            <dt>{label}</dt>
            <dd>{f(src[k])}</dd>
          </span>
        ))}
      </dl>
      {cohorts.length > 0 && (
        <p style={{ marginBottom: 0 }}>
          {cohorts.map((c) => (
            <Badge key={c} tone="info">
              {c}
            </Badge>
          ))}
        </p>
      )}
    </section>
  );
}

interface TimelineEntry {
  date: string | null;
  kind: 'STUDY' | 'TREATMENT' | 'PREDICTION' | 'BOARD' | string;
  id: string;
  label: string;
}

/** Studies, treatments, predictions and board discussions (the server's timeline), newest first. */
export function Timeline({ patient }: { patient: PatientDetail }) {
  const ev = [...((patient.timeline as TimelineEntry[] | undefined) ?? [])].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  if (ev.length === 0) return <p className="hs-muted">Nothing recorded yet.</p>;
  return (
    <ul className="hs-timeline" data-testid="timeline">
      {ev.map((e) => (
        <li key={`${e.kind}-${e.id}`} className={e.kind === 'TREATMENT' ? 'treatment' : ''}>
          <span className="hs-muted">{fmtDate(e.date)}</span> · <span className="hs-muted hs-small">{e.kind.toLowerCase()}</span> {e.label}
        </li>
      ))}
    </ul>
  );
}
