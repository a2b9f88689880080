'use client';
import { useQuery } from '@tanstack/react-query';
import { FeatureImportanceChart } from '@hepatoscope/ui';
import { useTRPC } from '../lib/trpc';
import { rangeImportance } from './importance';

/** Feature importance of a registered linear model (β × observed range), loaded from its model card. */
export function ModelImportance({ modelId, scale = 'log-odds' }: { modelId: string; scale?: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.models.get.queryOptions({ id: modelId }));
  const m = q.data as { parameters?: { coefficients?: Record<string, number> } | null; inputs?: { name: string; min?: number; max?: number }[] } | undefined;
  const values = m?.parameters?.coefficients ? rangeImportance(m.parameters.coefficients, m.inputs) : [];
  if (!values.length) return null;
  return <FeatureImportanceChart title={`Feature importance (β × range, ${scale})`} values={values} />;
}
