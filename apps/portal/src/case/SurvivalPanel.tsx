'use client';
import { useQuery } from '@tanstack/react-query';
import { Badge, Empty, ErrorState, Loading, type SurvivalPoint } from '@hepatoscope/ui';
import { hasRiskGroups, RiskGroupKm, type RiskGroupMetrics } from '../components/RiskGroupKm';
import { useTRPC } from '../lib/trpc';

/** Model kinds scored as survival curves (Cox). */
export const SURVIVAL_KINDS = new Set(['cox', 'coxph', 'lasso-cox']);

interface Validation {
  id: string;
  split: string;
  metrics: unknown;
  createdAt: string;
}

/** The newest validation of a model that carries KM curves by risk group (external validation or the lab's CV). */
export function latestRiskGroups(validations: readonly Validation[] | undefined): (RiskGroupMetrics & { split: string; createdAt: string }) | null {
  const v = [...(validations ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).find((x) => hasRiskGroups(x.metrics));
  return v ? { ...(v.metrics as RiskGroupMetrics), split: v.split, createdAt: v.createdAt } : null;
}

/**
 * Survival view of one Cox model for one patient: the model's KM curves by risk group from its latest validation
 * cohort, with this patient's predicted survival curve (and its 95 % band) overlaid.
 */
export function SurvivalPanel({
  modelId,
  patientCurve,
  riskGroup,
  medianMonths,
}: {
  modelId: string;
  patientCurve: SurvivalPoint[] | null;
  riskGroup?: string | null;
  medianMonths?: number | null;
}) {
  const trpc = useTRPC();
  const q = useQuery(trpc.models.get.queryOptions({ id: modelId }));
  if (q.isPending) return <Loading label="Loading the model's risk groups…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const m = q.data as { name: string; validations?: Validation[]; trainingCohort?: { name: string } | null };
  const km = latestRiskGroups(m.validations);
  const tone = riskGroup === 'high' ? 'danger' : riskGroup === 'low' ? 'ok' : 'warn';
  return (
    <div className="hs-stack" data-testid="survival-panel">
      {(riskGroup || medianMonths !== undefined) && (
        <p style={{ margin: 0 }}>
          {riskGroup && <Badge tone={tone}>{riskGroup} risk</Badge>}{' '}
          {medianMonths !== undefined && (
            <span>
              predicted median survival <strong>{medianMonths != null ? `${medianMonths.toFixed(1)} months` : 'not reached'}</strong>
            </span>
          )}
        </p>
      )}
      {km ? (
        <>
          <RiskGroupKm
            title="Risk groups (Kaplan–Meier) and this patient"
            metrics={km}
            width={400}
            height={320}
            patient={patientCurve ? { label: 'this patient', curve: patientCurve } : null}
          />
          <p className="hs-muted hs-small" style={{ margin: 0 }} data-testid="survival-cohort">
            Risk groups: tertiles of the model&apos;s linear predictor in{' '}
            {km.cohort?.name ?? (km.split === 'cv' ? `${m.trainingCohort?.name ?? 'the training cohort'} (cross-validated)` : 'the validation cohort')}
            {km.n ? `, n = ${km.n}` : ''}. Dashed: this patient&apos;s predicted curve with its 95% band.
          </p>
        </>
      ) : (
        <Empty>This model has no Kaplan–Meier curves by risk group yet (validate it on a cohort in the registry).</Empty>
      )}
    </div>
  );
}
