'use client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { fmtDate } from '../lib/contract';
import { errorCode, errorMessage, useTRPC } from '../lib/trpc';
import { validatePacsCriteria, type PacsCriteria } from './validate';

interface StudyRow {
  studyInstanceUid: string;
  patientId: string | null;
  patientName: string | null;
  studyDate: string | null;
  accessionNumber: string | null;
  description: string | null;
  modalities: string[];
  numberOfSeries: number | null;
  numberOfInstances: number | null;
  imported: boolean;
  importedStudyId: string | null;
  importedPatientId: string | null;
}

interface ImportResult {
  patientId: string;
  patientCreated: boolean;
  studyId: string;
  studyInstanceUid: string;
  series: { id: string; seriesInstanceUid: string; phase: string | null; description: string | null; dims: number[]; instances: number }[];
  skipped: { seriesInstanceUid: string; modality: string | null; reason: string }[];
  failed: { seriesInstanceUid: string; error: string }[];
}

const MODALITIES = ['CT', 'MR', 'US', 'PT', 'XA'];
const TIMEPOINTS = ['BASELINE', 'PRE_TACE', 'POST_TACE', 'FOLLOW_UP', 'OTHER'] as const;
const PAGE_SIZE = 25;
/** A radio button beside its text (form labels stack their text above the control). */
const RADIO = { flexDirection: 'row', alignItems: 'center', gap: 6, fontSize: 13 } as const;

/** The clinician's PACS page: search (QIDO-RS through the API) → studies → import into a patient → link to the case. */
export function PacsSearch() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [form, setForm] = useState<Record<keyof PacsCriteria, string>>({ patientId: '', patientName: '', dateFrom: '', dateTo: '', modality: '', accessionNumber: '' });
  const [criteria, setCriteria] = useState<PacsCriteria | null>(null);
  const [page, setPage] = useState(1);
  const [formErr, setFormErr] = useState<string | null>(null);
  const [selected, setSelected] = useState<StudyRow | null>(null);

  const input = { ...(criteria ?? {}), page, pageSize: PAGE_SIZE };
  const q = useQuery({ ...trpc.pacs.searchStudies.queryOptions(input), enabled: criteria !== null, placeholderData: keepPreviousData, retry: false });
  const data = q.data as { items: StudyRow[]; hasMore: boolean; page: number } | undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    const r = validatePacsCriteria(form);
    if ('error' in r) return setFormErr(r.error);
    setFormErr(null);
    setSelected(null);
    setPage(1);
    setCriteria(r.criteria);
    if (criteria && JSON.stringify(criteria) === JSON.stringify(r.criteria)) void q.refetch();
  }
  const set = (k: keyof PacsCriteria) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <div className="hs-stack">
      <form className="hs-panel hs-row" onSubmit={submit} noValidate data-testid="pacs-search-form">
        <label>
          Patient ID
          <input name="patientId" value={form.patientId} onChange={set('patientId')} maxLength={64} placeholder="exact, or with * ?" />
        </label>
        <label>
          Patient name
          <input name="patientName" value={form.patientName} onChange={set('patientName')} maxLength={64} placeholder="starts with…" />
        </label>
        <label>
          From
          <input name="dateFrom" type="date" value={form.dateFrom} onChange={set('dateFrom')} />
        </label>
        <label>
          To
          <input name="dateTo" type="date" value={form.dateTo} onChange={set('dateTo')} />
        </label>
        <label>
          Modality
          <select name="modality" value={form.modality} onChange={set('modality')}>
            <option value="">Any</option>
            {MODALITIES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          Accession no.
          <input name="accessionNumber" value={form.accessionNumber} onChange={set('accessionNumber')} maxLength={64} />
        </label>
        <button type="submit" className="primary" disabled={q.isFetching}>
          {q.isFetching ? 'Searching…' : 'Search PACS'}
        </button>
      </form>
      {formErr && <ErrorState error={formErr} />}

      <section className="hs-panel" data-testid="pacs-results">
        {criteria === null ? (
          <Empty>Search the PACS by patient, date, modality or accession number (an empty form lists the first {PAGE_SIZE} studies).</Empty>
        ) : q.isPending ? (
          <Loading label="Searching the PACS…" />
        ) : q.isError ? (
          <ErrorState
            error={errorCode(q.error) === 'BAD_REQUEST' && /No PACS is configured/.test(errorMessage(q.error)) ? 'No PACS is configured yet: an administrator sets it up under PACS settings.' : errorMessage(q.error)}
            onRetry={() => void q.refetch()}
          />
        ) : !data || data.items.length === 0 ? (
          <Empty>No studies match{page > 1 ? ' on this page' : ''}.</Empty>
        ) : (
          <>
            <table data-testid="pacs-studies">
              <thead>
                <tr>
                  <th>Date</th>
                  <th>Patient ID</th>
                  <th>Name</th>
                  <th>Modalities</th>
                  <th>Description</th>
                  <th>Accession</th>
                  <th>Series / images</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.items.map((s) => (
                  <tr key={s.studyInstanceUid} data-study-uid={s.studyInstanceUid} className={selected?.studyInstanceUid === s.studyInstanceUid ? 'selected' : ''}>
                    <td>{fmtDate(s.studyDate)}</td>
                    <td>{s.patientId ?? '—'}</td>
                    <td>{s.patientName?.replace(/\^/g, ' ') ?? '—'}</td>
                    <td>{s.modalities.join(', ') || '—'}</td>
                    <td>{s.description ?? '—'}</td>
                    <td>{s.accessionNumber ?? '—'}</td>
                    <td>
                      {s.numberOfSeries ?? '?'} / {s.numberOfInstances ?? '?'}
                    </td>
                    <td>
                      {s.importedPatientId ? (
                        <Link href={`/cases/${s.importedPatientId}`}>
                          <Badge tone="ok">imported</Badge> open case
                        </Link>
                      ) : s.imported ? (
                        <Badge title="Imported for a patient outside your scope">imported elsewhere</Badge>
                      ) : (
                        <span className="hs-muted">not imported</span>
                      )}
                    </td>
                    <td>
                      <button type="button" onClick={() => setSelected(s)} data-testid="pacs-import-open">
                        {s.imported ? 'Import again…' : 'Import…'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="hs-row hs-pagination">
              <button type="button" disabled={page <= 1 || q.isFetching} onClick={() => setPage((p) => p - 1)}>
                Previous
              </button>
              <span>Page {page}</span>
              <button type="button" disabled={!data.hasMore || q.isFetching} onClick={() => setPage((p) => p + 1)}>
                Next
              </button>
            </div>
          </>
        )}
      </section>

      {selected && (
        <ImportPanel
          key={selected.studyInstanceUid}
          study={selected}
          onClose={() => setSelected(null)}
          onImported={() => void qc.invalidateQueries({ queryKey: trpc.pacs.searchStudies.queryKey() })}
        />
      )}
    </div>
  );
}

/** Import one study: into the patient matched (or created) by DICOM PatientID, or into a chosen patient. */
function ImportPanel({ study, onClose, onImported }: { study: StudyRow; onClose: () => void; onImported: () => void }) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<'match' | 'choose'>(study.importedPatientId ? 'choose' : 'match');
  const [search, setSearch] = useState('');
  const [patientId, setPatientId] = useState(study.importedPatientId ?? '');
  const [timepoint, setTimepoint] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const patients = useQuery({
    ...trpc.patients.list.queryOptions({ page: 1, pageSize: 50, ...(search.trim() ? { search: search.trim() } : {}) }),
    enabled: mode === 'choose',
    placeholderData: keepPreviousData,
  });
  const list = (patients.data?.items ?? []) as { id: string; pseudoId: string; age: number | null; sex: string }[];
  const run = useMutation(trpc.pacs.importStudy.mutationOptions());
  const result = run.data as ImportResult | undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErr(null);
    if (mode === 'choose' && !patientId) return setErr('Choose the patient to import the study for.');
    if (mode === 'match' && !study.patientId) return setErr('This study has no DICOM Patient ID: choose the patient.');
    try {
      await run.mutateAsync({
        studyInstanceUid: study.studyInstanceUid,
        ...(mode === 'choose' ? { patientId } : {}),
        ...(timepoint ? { timepoint: timepoint as (typeof TIMEPOINTS)[number] } : {}),
      });
      onImported();
    } catch (e2) {
      setErr(errorMessage(e2));
    }
  }

  return (
    <section className="hs-panel hs-stack" data-testid="pacs-import" aria-label="Import study">
      <div className="hs-row">
        <h2 style={{ marginRight: 'auto' }}>
          Import {study.description ?? 'study'} · {fmtDate(study.studyDate)} · {study.patientId ?? 'no Patient ID'}
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="hs-small hs-muted">StudyInstanceUID {study.studyInstanceUid}</div>
      <form className="hs-stack" onSubmit={submit} noValidate>
        <fieldset className="hs-row" disabled={run.isPending} style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="hs-small hs-muted" style={{ padding: 0 }}>Import for</legend>
          <label style={RADIO}>
            <input type="radio" name="target" checked={mode === 'match'} onChange={() => setMode('match')} /> Patient with pseudonym = DICOM Patient ID{' '}
            {study.patientId ? <code>{study.patientId}</code> : null} (created if none)
          </label>
          <label style={RADIO}>
            <input type="radio" name="target" checked={mode === 'choose'} onChange={() => setMode('choose')} /> Choose a patient
          </label>
        </fieldset>
        {mode === 'choose' && (
          <div className="hs-row">
            <label>
              Find patient
              <input name="patientSearch" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={100} placeholder="pseudonym…" />
            </label>
            <label>
              Patient
              <select name="patient" value={patientId} onChange={(e) => setPatientId(e.target.value)} disabled={patients.isPending}>
                <option value="">{patients.isPending ? 'Loading…' : list.length ? 'Choose…' : 'No patients match'}</option>
                {list.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.pseudoId} · {p.sex.toLowerCase()} · {p.age ?? '?'} y
                  </option>
                ))}
              </select>
            </label>
            {patients.isError && <ErrorState error={errorMessage(patients.error)} />}
          </div>
        )}
        <div className="hs-row">
          <label>
            Timepoint
            <select name="timepoint" value={timepoint} onChange={(e) => setTimepoint(e.target.value)}>
              <option value="">Not set</option>
              {TIMEPOINTS.map((t) => (
                <option key={t} value={t}>
                  {t.replace('_', ' ').toLowerCase()}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" disabled={run.isPending} data-testid="pacs-import-run">
            {run.isPending ? 'Importing…' : 'Import study'}
          </button>
        </div>
      </form>
      {run.isPending && <Loading label="Retrieving the series from the PACS (WADO-RS) and storing them…" />}
      {err && <ErrorState error={err} />}
      {result && (
        <div className="hs-stack" role="status" data-testid="pacs-import-result">
          <div>
            <Badge tone={result.failed.length ? 'warn' : 'ok'}>{result.failed.length ? 'imported with failures' : 'imported'}</Badge> {result.series.length} series
            imported, {result.skipped.length} skipped, {result.failed.length} failed{result.patientCreated ? ' · new patient created' : ''}.{' '}
            <Link href={`/cases/${result.patientId}`} data-testid="pacs-open-case">
              Open the case →
            </Link>
          </div>
          {result.series.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th>Series</th>
                  <th>Phase</th>
                  <th>Size</th>
                  <th>Images</th>
                </tr>
              </thead>
              <tbody>
                {result.series.map((s) => (
                  <tr key={s.id}>
                    <td>{s.description ?? s.seriesInstanceUid}</td>
                    <td>{s.phase ?? '—'}</td>
                    <td>{s.dims.join(' × ')}</td>
                    <td>{s.instances}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.skipped.length > 0 && (
            <ul className="hs-small">
              {result.skipped.map((s) => (
                <li key={s.seriesInstanceUid}>
                  Skipped {s.modality ?? ''} {s.seriesInstanceUid}: {s.reason}
                </li>
              ))}
            </ul>
          )}
          {result.failed.length > 0 && (
            <ul className="hs-small">
              {result.failed.map((s) => (
                <li key={s.seriesInstanceUid}>
                  Failed {s.seriesInstanceUid}: {s.error}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
