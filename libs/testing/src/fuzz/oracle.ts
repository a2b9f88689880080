/**
 * The fuzzing oracle: each case either returns (handled) or throws an *expected* error — the target's own error type
 * with a non-empty message naming the problem. Anything else is a failure: a raw TypeError/RangeError (a crash in
 * the parser's arithmetic or an allocation), an unexpected error type, an empty message, a result that breaks the
 * target's invariants, or a case slower than the time budget (a hang; synchronous code cannot be interrupted, so a
 * true infinite loop is caught by Jest's test timeout and the per-case time is checked after the fact).
 */

export type Outcome =
  | { kind: 'handled'; ms: number }
  | { kind: 'rejected'; errorKind: string; message: string; ms: number }
  | { kind: 'failure'; reason: string; ms: number };

export interface Target<I = unknown> {
  name: string;
  /** Builds the input of case `seed` (deterministic). `ops` describes how it was made (for the report). */
  generate(seed: number): { input: I; ops: string[] };
  /** Runs the code under test; may return a value to check with `check`. */
  run(input: I): unknown;
  /** When `run` throws: the error kind if the error is an expected, clear rejection, else null. */
  expected(e: unknown): string | null;
  /** Invariants of a successful result; returns a problem description or null. */
  check?(result: unknown, input: I): string | null;
  /** Per-case budget in ms (default 2000). */
  budgetMs?: number;
}

/**
 * Error kind for the report: class name, code, the message's `who:` prefix and the gist of the message with file
 * names, numbers and quoted values blanked, e.g. `Error readNifti: is truncated`.
 */
export function errorKind(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  const m = /^([A-Za-z]+): (?:\S+\.(?:nii|nii\.gz|nrrd|dcm)\b|\S+\.dcm|<buffer>|upload)?\s*(.*)$/s.exec(e.message);
  const gist = m
    ? m[2]!
        .replace(/"[^"]*"|'[^']*'|\([^)]*\)/g, '…')
        .replace(/-?\d[\d.e+×x-]*/gi, '#')
        .split(/[:;]/)[0]!
        .split(/\s+/)
        .slice(0, 6)
        .join(' ')
    : '';
  const code = (e as { code?: unknown }).code;
  const plain = e.message.replace(/-?\d[\d.e+×x-]*/gi, '#').split(/[:;(]/)[0]!.split(/\s+/).slice(0, 6).join(' ');
  return [e.name, typeof code === 'string' ? code : null, m ? `${m[1]}: ${gist}` : plain].filter(Boolean).join(' ');
}

/** A plain `Error` (not a TypeError, RangeError, …) whose message starts with one of `prefixes`. */
export function plainErrorWithPrefix(e: unknown, prefixes: readonly string[]): boolean {
  return (
    e instanceof Error &&
    Object.getPrototypeOf(e) === Error.prototype &&
    e.message.trim().length > 0 &&
    prefixes.some((p) => e.message.startsWith(p))
  );
}

/** Runs one case of a target and classifies it. */
export function runCase<I>(t: Target<I>, input: I): Outcome {
  const budget = t.budgetMs ?? 2000;
  const t0 = performance.now();
  let out: Outcome;
  try {
    const result = t.run(input);
    const ms = performance.now() - t0;
    const problem = t.check?.(result, input) ?? null;
    out = problem ? { kind: 'failure', reason: `result check: ${problem}`, ms } : { kind: 'handled', ms };
  } catch (e) {
    const ms = performance.now() - t0;
    const kind = t.expected(e);
    if (kind) out = { kind: 'rejected', errorKind: kind, message: (e as Error).message, ms };
    else {
      const err = e as Error;
      out = {
        kind: 'failure',
        reason: `unexpected ${err?.constructor?.name ?? typeof e}: ${String(err?.message ?? e).slice(0, 300)}${
          err?.stack ? `\n${err.stack.split('\n').slice(1, 4).join('\n')}` : ''
        }`,
        ms,
      };
    }
  }
  if (out.kind !== 'failure' && out.ms > budget) {
    return { kind: 'failure', reason: `took ${out.ms.toFixed(0)} ms (budget ${budget} ms): a hang or a runaway allocation`, ms: out.ms };
  }
  return out;
}

export interface FuzzReport {
  target: string;
  cases: number;
  handled: number;
  rejected: number;
  byKind: Record<string, number>;
  failures: Array<{ seed: number; ops: string[]; reason: string }>;
  ms: number;
  maxCaseMs: number;
}

/** Runs cases `firstSeed … firstSeed + n − 1` of a target. */
export function fuzz<I>(t: Target<I>, firstSeed: number, n: number): FuzzReport {
  const rep: FuzzReport = { target: t.name, cases: 0, handled: 0, rejected: 0, byKind: {}, failures: [], ms: 0, maxCaseMs: 0 };
  const t0 = performance.now();
  for (let s = firstSeed; s < firstSeed + n; s++) {
    const { input, ops } = t.generate(s);
    const o = runCase(t, input);
    rep.cases++;
    rep.maxCaseMs = Math.max(rep.maxCaseMs, o.ms);
    if (o.kind === 'handled') rep.handled++;
    else if (o.kind === 'rejected') {
      rep.rejected++;
      rep.byKind[o.errorKind] = (rep.byKind[o.errorKind] ?? 0) + 1;
    } else rep.failures.push({ seed: s, ops, reason: o.reason });
  }
  rep.ms = performance.now() - t0;
  return rep;
}
