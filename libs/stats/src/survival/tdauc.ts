/**
 * Cumulative/dynamic time-dependent AUC at horizon t with inverse-probability-of-censoring weights
 * (Uno et al. 2007; Blanche, Dartigues & Jacqmin-Gadda 2013, R package timeROC with `weighting = "marginal"`):
 *
 *   cases   i: Tᵢ ≤ t and δᵢ = 1, weight 1/Ĝ(Tᵢ−)
 *   controls j: Tⱼ > t,          weight 1/Ĝ(t)
 *   AUC(t) = Σᵢ Σⱼ wᵢ wⱼ [I(Mᵢ > Mⱼ) + ½ I(Mᵢ = Mⱼ)] / (Σᵢ wᵢ · Σⱼ wⱼ)
 *
 * Ĝ is the Kaplan–Meier estimate of the censoring distribution. Subjects censored before t are neither cases nor
 * controls (their weight is carried by Ĝ). Higher marker = higher risk.
 */
import { NumArray, StatsInputError } from '../util';
import { censoringSurvival } from './concordance';
import { checkSurv } from './data';

export interface TimeDependentAuc {
  horizon: number;
  auc: number | null;
  cases: number;
  controls: number;
}

export function timeDependentAuc(time: NumArray, event: NumArray, marker: NumArray, horizon: number): TimeDependentAuc {
  const { time: t, event: e, n } = checkSurv('timeDependentAuc', time, event);
  if (marker.length !== n) throw new StatsInputError(`timeDependentAuc: marker has ${marker.length} values but time has ${n}`);
  if (!Number.isFinite(horizon)) throw new StatsInputError(`timeDependentAuc: horizon ${horizon} is not finite`);
  const G = censoringSurvival(t, e);
  const caseIdx: number[] = [];
  const caseW: number[] = [];
  const ctrl: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(marker[i])) throw new StatsInputError(`timeDependentAuc: marker[${i}] = ${marker[i]} is not finite`);
    if (t[i] <= horizon && e[i] === 1) {
      caseIdx.push(i);
      caseW.push(1 / G(t[i]));
    } else if (t[i] > horizon) ctrl.push(marker[i]);
  }
  if (!caseIdx.length || !ctrl.length) return { horizon, auc: null, cases: caseIdx.length, controls: ctrl.length };
  // control weights are all 1/G(t): they cancel; sort control markers and count by binary search
  const sorted = Float64Array.from(ctrl).sort();
  const lowerBound = (v: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upperBound = (v: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let num = 0;
  let den = 0;
  caseIdx.forEach((i, k) => {
    const below = lowerBound(marker[i]);
    const ties = upperBound(marker[i]) - below;
    num += caseW[k] * (below + 0.5 * ties);
    den += caseW[k] * sorted.length;
  });
  return { horizon, auc: num / den, cases: caseIdx.length, controls: ctrl.length };
}
