'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { CSV_TARGET_FIELDS, type CsvTarget } from '@hepatoscope/domain';
import { Badge, ErrorState } from '@hepatoscope/ui';
import { errorMessage, useTRPC } from '../lib/trpc';

type Target = CsvTarget;

/** Header names of the first CSV line (quoted fields with commas handled). */
export function csvHeader(text: string): string[] {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      }
      else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',' || c === ';') {
      out.push(cur.trim());
      cur = '';
    }
    else cur += c;
  }
  if (line.length) out.push(cur.trim());
  return out.filter(Boolean);
}

/** Best-guess mapping target → header by case-insensitive name match (ignoring _ - and spaces). */
export function guessMapping(headers: string[]): Partial<Record<Target, string>> {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const m: Partial<Record<Target, string>> = {};
  for (const t of CSV_TARGET_FIELDS) {
    const h = headers.find((x) => norm(x) === norm(t) || (t === 'pseudoId' && /^(id|patientid|pseudoid|subject)$/.test(norm(x))));
    if (h) m[t] = h;
  }
  return m;
}

interface Report {
  importId: string;
  cohortName: string;
  cohortNameTaken?: boolean;
  totalRows: number;
  validRows: number;
  invalidRows: number;
  unmappedColumns?: string[];
  existingPatients?: number;
  rows: { line: number; pseudoId: string | null; ok: boolean; errors: string[]; existing?: boolean }[];
}

/** CSV import: 1 choose file + name, 2 map columns, 3 validation report (nothing imported), 4 accept. */
export function CsvImportWizard({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const preview = useMutation(trpc.cohorts.previewCsvImport.mutationOptions());
  const accept = useMutation(trpc.cohorts.acceptCsvImport.mutationOptions());
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [cohortName, setCohortName] = useState('');
  const [mapping, setMapping] = useState<Partial<Record<Target, string>>>({});
  const [report, setReport] = useState<Report | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const headers = useMemo(() => csvHeader(csv), [csv]);

  async function onFile(f: File | undefined) {
    setReport(null);
    setErr(null);
    if (!f) return;
    if (f.size > 5 * 1024 * 1024) return setErr(`${f.name} is ${(f.size / 1048576).toFixed(1)} MB; the limit is 5 MB.`);
    const text = await f.text();
    setCsv(text);
    setFileName(f.name);
    setMapping(guessMapping(csvHeader(text)));
    if (!cohortName) setCohortName(f.name.replace(/\.csv$/i, ''));
  }

  async function runPreview() {
    setErr(null);
    setReport(null);
    if (!csv) return setErr('Choose a CSV file.');
    if (!cohortName.trim()) return setErr('Name the cohort.');
    if (!mapping.pseudoId) return setErr('Map the pseudoId column (required).');
    try {
      setReport((await preview.mutateAsync({ cohortName: cohortName.trim(), csv, mapping })) as Report);
    } catch (e) {
      setErr(errorMessage(e));
    }
  }

  async function runAccept() {
    if (!report) return;
    setErr(null);
    try {
      const r = (await accept.mutateAsync({ cohortName: report.cohortName, csv, mapping, reportHash: report.importId })) as { imported?: number; linkedExisting?: number; skippedInvalid?: number };
      await qc.invalidateQueries({ queryKey: trpc.cohorts.list.queryKey() });
      setDone(`Imported ${r.imported ?? 0} new patients, linked ${r.linkedExisting ?? 0} existing, skipped ${r.skippedInvalid ?? 0} invalid rows.`);
    } catch (e) {
      setErr(errorMessage(e));
    }
  }

  return (
    <section className="hs-panel hs-stack" data-testid="csv-wizard">
      <h2>Import a cohort from CSV</h2>
      <div className="hs-row">
        <label>
          1 · CSV file {fileName && <span className="hs-small">({fileName})</span>}
          <input type="file" accept=".csv,text/csv" onChange={(e) => void onFile(e.target.files?.[0])} />
        </label>
        <label style={{ flex: 1 }}>
          Cohort name
          <input value={cohortName} maxLength={120} onChange={(e) => setCohortName(e.target.value)} />
        </label>
      </div>
      {headers.length > 0 && (
        <div>
          <h3>2 · Map columns</h3>
          <div className="hs-row">
            {CSV_TARGET_FIELDS.map((t) => (
              <label key={t}>
                {t}
                {t === 'pseudoId' ? ' *' : ''}
                <select value={mapping[t] ?? ''} onChange={(e) => setMapping((m) => ({ ...m, [t]: e.target.value || undefined }))}>
                  <option value="">—</option>
                  {headers.map((h) => (
                    <option key={h} value={h}>
                      {h}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
          <p>
            <button type="button" onClick={() => void runPreview()} disabled={preview.isPending}>
              3 · Validate
            </button>
          </p>
        </div>
      )}
      {report && (
        <div>
          <h3>Validation report</h3>
          <p>
            {report.totalRows} rows: <Badge tone="ok">{report.validRows} valid</Badge> <Badge tone={report.invalidRows ? 'danger' : 'neutral'}>{report.invalidRows} invalid</Badge>{' '}
            {report.existingPatients ? <Badge tone="info">{report.existingPatients} already known</Badge> : null}
            {report.cohortNameTaken && <Badge tone="danger">cohort name taken</Badge>}
            {report.unmappedColumns && report.unmappedColumns.length > 0 && <span className="hs-muted hs-small"> Unmapped columns (kept as extra fields): {report.unmappedColumns.join(', ')}</span>}
          </p>
          <div className="hs-scroll" style={{ maxHeight: 240 }}>
            <table>
              <thead>
                <tr>
                  <th>Line</th>
                  <th>Pseudo-id</th>
                  <th>Status</th>
                  <th>Problems</th>
                </tr>
              </thead>
              <tbody>
                {report.rows.filter((r) => !r.ok).concat(report.rows.filter((r) => r.ok).slice(0, 20)).map((r) => (
                  <tr key={r.line}>
                    <td>{r.line}</td>
                    <td>{r.pseudoId ?? '—'}</td>
                    <td>{r.ok ? <Badge tone="ok">ok</Badge> : <Badge tone="danger">invalid</Badge>}</td>
                    <td className="hs-small">{r.errors.join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <button type="button" className="primary" disabled={accept.isPending || report.validRows === 0 || !!report.cohortNameTaken || !!done} onClick={() => void runAccept()}>
              4 · Import {report.validRows} valid rows
            </button>{' '}
            <button type="button" onClick={onDone}>
              Close
            </button>
          </p>
        </div>
      )}
      {done && <p>{done}</p>}
      {err && <ErrorState error={err} />}
    </section>
  );
}
