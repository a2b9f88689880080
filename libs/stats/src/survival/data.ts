/** Right-censored survival data validation shared by the survival routines. */
import { NumArray, StatsInputError } from '../util';

export interface SurvData {
  time: Float64Array;
  event: Uint8Array;
  n: number;
}

/** Validate (time ≥ 0 finite, event 0/1, equal lengths). */
export function checkSurv(fn: string, time: NumArray, event: NumArray): SurvData {
  if (time.length !== event.length) throw new StatsInputError(`${fn}: time has ${time.length} values but event has ${event.length}`);
  const n = time.length;
  if (n === 0) throw new StatsInputError(`${fn}: no observations`);
  const t = new Float64Array(n);
  const e = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(time[i]) || time[i] < 0) throw new StatsInputError(`${fn}: time[${i}] = ${time[i]} is not a finite non-negative number`);
    if (event[i] !== 0 && event[i] !== 1) throw new StatsInputError(`${fn}: event[${i}] = ${event[i]} is not 0 (censored) or 1 (event)`);
    t[i] = time[i];
    e[i] = event[i];
  }
  return { time: t, event: e, n };
}

/** Indices sorted by ascending time (events before censorings at equal times). */
export function orderByTime(time: Float64Array, event: Uint8Array): Uint32Array {
  const idx = new Uint32Array(time.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => time[a] - time[b] || event[b] - event[a]);
  return idx;
}
