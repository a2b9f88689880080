'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { RequireRole } from '../../../../src/components/AppShell';
import type { PatientDetail } from '../../../../src/case/CaseView';
import { fmtDate, fmtNum, phaseLabel, type StudyView } from '../../../../src/lib/contract';
import { deltaResponse, lesionDeltas } from '../../../../src/lib/delta';
import { useSession } from '../../../../src/lib/session';
import { useTRPC } from '../../../../src/lib/trpc';

interface PredictionRow {
  id: string;
  modelName: string;
  modelVersion: string;
  task: string;
  probability: number | null;
  ci: number[] | null;
  riskGroup: string | null;
  survival: { medianMonths: number | null } | null;
  createdAt: string;
}

/** Structured report preview; "Print / Save as PDF" uses the browser's print-to-PDF with a print stylesheet. */
function Report({ id }: { id: string }) {
  const trpc = useTRPC();
  const { user } = useSession();
  const q = useQuery(trpc.patients.get.queryOptions({ id }));
  if (q.isPending) return <Loading label="Preparing report…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const p = q.data as unknown as PatientDetail;
  if (!p) return <Empty>Patient not found.</Empty>;
  const studies = [...(p.studies as StudyView[])].sort((a, b) => String(a.date).localeCompare(String(b.date)));
  const latest = studies[studies.length - 1];
  const first = studies[0];
  const delta = studies.length >= 2 ? deltaResponse(lesionDeltas(first.lesions, latest.lesions)) : null;
  const preds = ((p.predictions ?? []) as PredictionRow[]).slice(0, 10);
  const discussions = (p.discussions ?? []) as { id: string; meetingTitle?: string; scheduledAt?: string; decision?: string | null; recommendation?: string | null; signedOffAt?: string | null }[];
  const synthetic = studies.some((s) => s.synthetic);
  return (
    <article className="hs-report" data-testid="report">
      <div className="hs-row hs-noprint" style={{ alignItems: 'center', marginBottom: 12 }}>
        <Link href={`/cases/${id}`}>← Case</Link>
        <button type="button" className="primary" style={{ marginLeft: 'auto' }} onClick={() => window.print()}>
          Print / Save as PDF
        </button>
      </div>
      <header>
        <h1>Hepatoscope structured report — {p.pseudoId}</h1>
        <p className="hs-muted">
          Generated {new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by {user?.name ?? '—'} · research software, not a medical device
          {synthetic && (
            <>
              {' '}
              · <Badge tone="warn">SYNTHETIC IMAGING</Badge>
            </>
          )}
        </p>
      </header>
      <section>
        <h2>Clinical summary</h2>
        <p>
          {String(p.sex ?? '—')}, {String(p.age ?? '—')} y; aetiology {String(p.aetiology ?? '—')}; cirrhosis {p.cirrhosis ? 'yes' : p.cirrhosis === false ? 'no' : '—'};
          Child–Pugh {String(p.childPugh ?? '—')}; BCLC {String(p.bclc ?? '—')}; AFP {p.afp != null ? `${p.afp} ng/mL` : '—'}.
        </p>
      </section>
      <section>
        <h2>Imaging</h2>
        {studies.length === 0 ? (
          <p>No imaging studies.</p>
        ) : (
          studies.map((s) => (
            <div key={s.id}>
              <h3>
                {fmtDate(s.date)} · {s.modality ?? 'CT'} {s.timepoint ?? ''} · phases: {s.series.map((x) => phaseLabel(String(x.phase))).join(', ')}
              </h3>
              {s.lesions.length === 0 ? (
                <p>No lesions recorded.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th>Lesion</th>
                      <th>Type</th>
                      <th className="num">Diameter (mm)</th>
                      <th className="num">Volume (mL)</th>
                      <th>Enhancement</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.lesions.map((l) => (
                      <tr key={l.id}>
                        <td>{l.label}</td>
                        <td>{l.type ?? '—'}</td>
                        <td className="num">{fmtNum(l.diameterMm, 1)}</td>
                        <td className="num">{fmtNum(l.volumeMl, 1)}</td>
                        <td>{l.enhancementPattern ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))
        )}
        {delta && (
          <p>
            <strong>Response</strong> ({fmtDate(first.date)} → {fmtDate(latest.date)}): {delta.category}; sum of diameters {fmtNum(delta.before, 1)} → {fmtNum(delta.after, 1)} mm (RECIST 1.1
            thresholds on recorded diameters).
          </p>
        )}
      </section>
      <section>
        <h2>Model predictions</h2>
        {preds.length === 0 ? (
          <p>None recorded.</p>
        ) : (
          <ul>
            {preds.map((r) => (
              <li key={r.id}>
                {fmtDate(r.createdAt)} · {r.modelName} v{r.modelVersion} ({r.task}):{' '}
                {r.probability != null
                  ? `${(r.probability * 100).toFixed(1)}%${r.ci ? ` (95% CI ${(r.ci[0] * 100).toFixed(1)}–${(r.ci[1] * 100).toFixed(1)}%)` : ''}`
                  : r.survival
                    ? `median survival ${r.survival.medianMonths != null ? `${r.survival.medianMonths.toFixed(1)} months` : 'not reached'}`
                    : '—'}
                {r.riskGroup ? `, ${r.riskGroup} risk` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2>Tumour board</h2>
        {discussions.length === 0 ? (
          <p>Not discussed.</p>
        ) : (
          <ul>
            {discussions.map((d) => (
              <li key={d.id}>
                {fmtDate(d.scheduledAt)} · {d.meetingTitle ?? 'Meeting'}: {d.decision ?? 'pending'}
                {d.recommendation ? ` — ${d.recommendation}` : ''}
                {d.signedOffAt ? ' (signed off)' : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

export default function ReportPage() {
  const { id } = useParams<{ id: string }>();
  return (
    <RequireRole roles={['CLINICIAN', 'TUMOR_BOARD']}>
      <Report id={id} />
    </RequireRole>
  );
}
