'use client';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { phaseLabel, type ModelRow } from '../lib/contract';
import { useTRPC } from '../lib/trpc';

interface FeatureSet {
  featureSetId: string;
  lesionLabel: string | null;
  structure?: string;
  timepoint?: string | null;
  phase: string;
  values: Record<string, number>;
}

const MAX_ROWS = 400;

/** Searchable feature table (rows = features, columns = lesion × phase); a chosen model's predictors are highlighted. */
export function RadiomicsPanel({ patientId }: { patientId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.features.forPatient.queryOptions({ patientId }));
  const models = useQuery(trpc.models.list.queryOptions());
  const [search, setSearch] = useState('');
  const [modelId, setModelId] = useState('');
  const [onlyModel, setOnlyModel] = useState(false);
  const sets = useMemo(() => (q.data ?? []) as FeatureSet[], [q.data]);
  const modelList = useMemo(() => (models.data ?? []) as ModelRow[], [models.data]);
  const used = useMemo(() => new Set(modelList.find((m) => m.id === modelId)?.predictors ?? []), [modelList, modelId]);
  const names = useMemo(() => [...new Set(sets.flatMap((s) => Object.keys(s.values)))].sort(), [sets]);
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return names.filter((n) => (!needle || n.toLowerCase().includes(needle)) && (!onlyModel || used.has(n)));
  }, [names, search, onlyModel, used]);

  if (q.isPending) return <Loading label="Loading radiomics…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (sets.length === 0) return <Empty>No radiomics extracted for this patient yet.</Empty>;

  return (
    <div className="hs-stack" data-testid="radiomics-panel">
      <div className="hs-row">
        <label style={{ flex: 1 }}>
          Search {names.length} features
          <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. glcm, firstorder_Mean" data-testid="radiomics-search" />
        </label>
        <label>
          Highlight model
          <select value={modelId} onChange={(e) => setModelId(e.target.value)}>
            <option value="">—</option>
            {modelList.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {modelId && (
        <label style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
          <input type="checkbox" checked={onlyModel} onChange={(e) => setOnlyModel(e.target.checked)} /> only this model&apos;s features ({used.size})
        </label>
      )}
      <div className="hs-scroll">
        <table>
          <thead>
            <tr>
              <th>Feature</th>
              {sets.map((s) => (
                <th key={s.featureSetId} className="num">
                  {s.lesionLabel ?? s.structure ?? '—'}{s.timepoint ? ` · ${s.timepoint}` : ''}
                  <br />
                  {phaseLabel(s.phase)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {filtered.slice(0, MAX_ROWS).map((n) => (
              <tr key={n} className={used.has(n) ? 'highlight' : ''}>
                <td style={{ fontSize: 12, wordBreak: 'break-all' }}>{n}</td>
                {sets.map((s) => (
                  <td key={s.featureSetId} className="num" style={{ fontSize: 12 }}>
                    {formatValue(s.values[n])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {filtered.length === 0 && <Empty>No feature matches “{search}”.</Empty>}
        {filtered.length > MAX_ROWS && <p className="hs-muted hs-small">Showing {MAX_ROWS} of {filtered.length}; refine the search.</p>}
      </div>
    </div>
  );
}

function formatValue(v: number | undefined): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : v.toFixed(a >= 100 ? 1 : 4);
}
