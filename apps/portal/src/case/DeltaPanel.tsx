'use client';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { fmtDate, fmtNum, phaseLabel, type StudyView } from '../lib/contract';
import { deltaResponse, featureDeltas, lesionDeltas, type FeatureSetLike } from '../lib/delta';
import { useTRPC } from '../lib/trpc';

const TONE = { CR: 'ok', PR: 'ok', SD: 'warn', PD: 'danger', NE: 'neutral' } as const;

function pct(v: number | null): string {
  return v == null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`;
}

/** Two timepoints side by side: lesion size changes, response category, radiomic feature changes. */
export function DeltaPanel({ patientId, studies }: { patientId: string; studies: StudyView[] }) {
  const trpc = useTRPC();
  const byDate = useMemo(() => [...studies].sort((a, b) => String(a.date).localeCompare(String(b.date))), [studies]);
  const [aId, setA] = useState(byDate[0]?.id ?? '');
  const [bId, setB] = useState(byDate[byDate.length - 1]?.id ?? '');
  const [search, setSearch] = useState('');
  const features = useQuery(trpc.features.forPatient.queryOptions({ patientId }));
  const a = byDate.find((s) => s.id === aId);
  const b = byDate.find((s) => s.id === bId);
  const deltas = useMemo(() => (a && b ? lesionDeltas(a.lesions, b.lesions) : []), [a, b]);
  const response = deltaResponse(deltas);
  const fRows = useMemo(() => {
    const sets = (features.data ?? []) as (FeatureSetLike & { studyId?: string })[];
    const rows = featureDeltas(sets.filter((f) => f.studyId === aId), sets.filter((f) => f.studyId === bId));
    const q = search.trim().toLowerCase();
    return q ? rows.filter((r) => r.feature.toLowerCase().includes(q)) : rows;
  }, [features.data, aId, bId, search]);

  if (byDate.length < 2) return <Empty>The delta view needs two imaging studies; this patient has {byDate.length}.</Empty>;
  const label = (s: StudyView) => `${fmtDate(s.date)} · ${s.timepoint ?? s.modality ?? ''}`;
  return (
    <div className="hs-stack" data-testid="delta-panel">
      <div className="hs-row">
        <label>
          Baseline
          <select value={aId} onChange={(e) => setA(e.target.value)}>
            {byDate.map((s) => (
              <option key={s.id} value={s.id}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Follow-up
          <select value={bId} onChange={(e) => setB(e.target.value)}>
            {byDate.map((s) => (
              <option key={s.id} value={s.id}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {aId === bId ? (
        <Empty>Choose two different studies.</Empty>
      ) : (
        <>
          <p>
            Response <Badge tone={TONE[response.category]}>{response.category}</Badge>{' '}
            <span className="hs-muted hs-small">
              sum of diameters {fmtNum(response.before, 1)} → {fmtNum(response.after, 1)} mm (RECIST 1.1 thresholds on recorded diameters)
            </span>
          </p>
          <table>
            <thead>
              <tr>
                <th>Lesion</th>
                <th className="num">Diameter (mm)</th>
                <th className="num">Δ</th>
                <th className="num">Volume (mL)</th>
                <th className="num">Δ</th>
              </tr>
            </thead>
            <tbody>
              {deltas.map((d) => (
                <tr key={d.label}>
                  <td>
                    {d.label} {d.status !== 'measured' && <Badge tone={d.status === 'new' ? 'danger' : 'ok'}>{d.status}</Badge>}
                  </td>
                  <td className="num">
                    {fmtNum(d.before?.diameterMm, 1)} → {fmtNum(d.after?.diameterMm, 1)}
                  </td>
                  <td className="num">{pct(d.diameterChangePct)}</td>
                  <td className="num">
                    {fmtNum(d.before?.volumeMl, 1)} → {fmtNum(d.after?.volumeMl, 1)}
                  </td>
                  <td className="num">{pct(d.volumeChangePct)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Feature changes</h3>
          {features.isPending ? (
            <Loading />
          ) : features.isError ? (
            <ErrorState error={features.error} />
          ) : fRows.length === 0 && !search ? (
            <Empty>No radiomics extracted at both timepoints.</Empty>
          ) : (
            <>
              <input placeholder="filter features" value={search} onChange={(e) => setSearch(e.target.value)} />
              <div className="hs-scroll" style={{ maxHeight: 300 }}>
                <table>
                  <thead>
                    <tr>
                      <th>Feature</th>
                      <th>Lesion · phase</th>
                      <th className="num">Before</th>
                      <th className="num">After</th>
                      <th className="num">Δ</th>
                    </tr>
                  </thead>
                  <tbody>
                    {fRows.slice(0, 200).map((r) => (
                      <tr key={`${r.key}|${r.feature}`}>
                        <td className="hs-small" style={{ wordBreak: 'break-all' }}>{r.feature}</td>
                        <td className="hs-small">{r.key.replace(/ · (\w+)$/, (_, p: string) => ` · ${phaseLabel(p)}`)}</td>
                        <td className="num hs-small">{r.before.toPrecision(4)}</td>
                        <td className="num hs-small">{r.after.toPrecision(4)}</td>
                        <td className="num hs-small">{pct(r.changePct)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </div>
  );
}
