import { parseArgs } from 'node:util';
import { CliError, type Command } from '../command';

/**
 * `hepatoscope stats <sub>`: statistics on a CSV file (one row per subject) through @hepatoscope/stats.
 * Output: a readable table, or JSON with `--json` (JSON is the default when stdout is not a terminal).
 * In JSON, ±∞ (the ROC end thresholds) are written as the strings "Inf"/"-Inf" and undefined values as null.
 * Missing cells (empty, NA, NaN, ?, null) → complete cases over the columns used; the count dropped is reported.
 */
const USAGE = `Usage: hepatoscope stats <command> --input FILE.csv [options] [--json | --table]

Commands and their options:
  roc          --label y --score s [--direction '<'|'>'|auto] [--bootstrap N --seed S]
               AUC with DeLong 95% CI (or stratified bootstrap), Youden threshold, curve
  roc-test     --label y --score a --score2 b               paired DeLong test of two AUCs
  confusion    --label y --score s --threshold t            metrics at score >= t (with Wilson CIs)
  calibration  --label y --prob p [--groups 10]             Brier, intercept, slope, Hosmer-Lemeshow, curve
  dca          --label y --prob p [--thresholds 0.05,0.1,…] decision-curve net benefit
  logistic     --label y --features a,b,…                   logistic regression (IRLS, = R glm)
  lasso        --label y --features a,b,… [--alpha 1] (--lambda L | --cv K [--seed S])   penalised logistic (= glmnet)
  cox          --time t --event e --features a,b,… [--ties efron|breslow] [--profiles P.csv --at T1,T2]
  km           --time t --event e [--group g]               Kaplan-Meier, medians, log-rank
  concordance  --time t --event e --score s                 Harrell's and Uno's C of a risk score
  td-auc       --time t --event e --score s --horizon H     cumulative/dynamic AUC with IPCW
  nomogram     --label y | --time t --event e, --features … [--at T1,T2] [--patient a=1,b=2]
  risk-groups  --time t --event e --score s [--probs 0.5 | --cutoffs c1,c2]   KM + log-rank by risk group
  select       --label y --features … --method variance|correlation|anova|mannwhitney|mrmr|lasso [--k K] [--threshold T]
  cv           --label y --features … [--model logistic|lasso|knn|gbt|rf|svm|svm-linear] [--folds 5 --repeats 1 --seed 1]
  icc          --features rater1,rater2,…                   ICC(1,1)…ICC(3,k) with 95% CIs (= psych::ICC)
  combat       --features … --batch site [--covariates a,b] [--output harmonised.csv]   ComBat (= sva)
  seg-metrics  --reference A.nii.gz --prediction B.nii.gz [--style medpy|monai] (no --input)
Column names are header names of the CSV. --csv is accepted as an alias of --input.`;

const OPTIONS = {
  input: { type: 'string' },
  csv: { type: 'string' },
  label: { type: 'string' },
  score: { type: 'string' },
  score2: { type: 'string' },
  prob: { type: 'string' },
  threshold: { type: 'string' },
  thresholds: { type: 'string' },
  groups: { type: 'string' },
  direction: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
  features: { type: 'string' },
  covariates: { type: 'string' },
  alpha: { type: 'string' },
  lambda: { type: 'string' },
  cv: { type: 'string' },
  time: { type: 'string' },
  event: { type: 'string' },
  outcome: { type: 'string' },
  group: { type: 'string' },
  ties: { type: 'string' },
  profiles: { type: 'string' },
  at: { type: 'string' },
  horizon: { type: 'string' },
  patient: { type: 'string' },
  reference: { type: 'string' },
  prediction: { type: 'string' },
  style: { type: 'string' },
  probs: { type: 'string' },
  cutoffs: { type: 'string' },
  method: { type: 'string' },
  k: { type: 'string' },
  model: { type: 'string' },
  folds: { type: 'string' },
  repeats: { type: 'string' },
  batch: { type: 'string' },
  output: { type: 'string' },
  json: { type: 'boolean' },
  table: { type: 'boolean' },
} as const;

type Opts = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function need(o: Opts, key: keyof Opts, sub: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new CliError(`stats ${sub}: --${key} is required\n\n${USAGE}`);
  return v;
}

function num(o: Opts, key: keyof Opts, fallback?: number): number {
  const v = o[key];
  if (v === undefined) {
    if (fallback === undefined) throw new CliError(`stats: --${key} is required`);
    return fallback;
  }
  const x = Number(v);
  if (!Number.isFinite(x)) throw new CliError(`stats: --${key} must be a number, got '${v}'`);
  return x;
}

function list(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** JSON with ±∞ as "Inf"/"-Inf", NaN as null, typed arrays as arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) => {
      if (typeof v === 'number') {
        if (v === Infinity) return 'Inf';
        if (v === -Infinity) return '-Inf';
        if (Number.isNaN(v)) return null;
      }
      if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    2,
  );
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return v > 0 ? 'Inf' : v < 0 ? '-Inf' : 'NaN';
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
  }
  return String(v);
}

/** Render rows of objects as an aligned text table. */
export function textTable(rows: Record<string, unknown>[], columns?: string[]): string {
  if (!rows.length) return '(no rows)';
  const cols = columns ?? Object.keys(rows[0]);
  const cells = rows.map((r) => cols.map((c) => fmt(r[c])));
  const widths = cols.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const line = (vals: string[]) => vals.map((v, j) => v.padStart(widths[j])).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function kv(obj: Record<string, unknown>): string {
  return Object.entries(obj)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${k.padEnd(18)} ${fmt(v)}`)
    .join('\n');
}

interface Output {
  json: unknown;
  text: string;
}

async function runSub(sub: string, o: Opts): Promise<Output> {
  const S = await import('@hepatoscope/stats');
  const fs = await import('node:fs');
  if (sub === 'seg-metrics') return segMetrics(need(o, 'reference', sub), need(o, 'prediction', sub), o.style);
  const KNOWN = ['roc', 'roc-test', 'confusion', 'calibration', 'dca', 'logistic', 'lasso', 'cox', 'km', 'concordance', 'td-auc', 'nomogram', 'risk-groups', 'select', 'cv', 'icc', 'combat'];
  if (!KNOWN.includes(sub)) throw new CliError(`stats: unknown command '${sub}'\n\n${USAGE}`);
  const file = o.input ?? o.csv;
  if (!file) throw new CliError(`stats ${sub}: --input FILE.csv is required\n\n${USAGE}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`stats ${sub}: cannot read ${file}: ${(e as Error).message}`);
  }
  const table = S.parseCsv(text);
  const label = () => o.label ?? o.outcome ?? need(o, 'label', sub);
  const features = () => {
    const f = list(o.features ?? o.covariates);
    if (!f.length) throw new CliError(`stats ${sub}: --features a,b,… is required`);
    return f;
  };
  const cols = (names: string[]) => S.numericColumns(table, names);

  switch (sub) {
    case 'roc': {
      const y = label();
      const s = need(o, 'score', sub);
      const d = cols([y, s]);
      const dir = (o.direction ?? '<') as '<' | '>' | 'auto';
      if (!['<', '>', 'auto'].includes(dir)) throw new CliError(`stats roc: --direction must be '<', '>' or auto`);
      const curve = S.roc(d.columns[y], d.columns[s], { direction: dir });
      const ci = o.bootstrap
        ? S.aucCiBootstrap(d.columns[y], d.columns[s], { direction: curve.direction, replicates: num(o, 'bootstrap'), seed: num(o, 'seed', 42) })
        : S.aucCiDelong(d.columns[y], d.columns[s], { direction: curve.direction });
      const yd = S.youden(curve)[0];
      const json = {
        n: d.rows.length,
        dropped: d.dropped,
        cases: curve.nCases,
        controls: curve.nControls,
        direction: curve.direction,
        auc: curve.auc,
        ci: { lower: ci.lower, upper: ci.upper, method: ci.method, level: ci.level, ...(ci.replicates ? { replicates: ci.replicates } : {}) },
        variance: ci.variance,
        youden: { threshold: yd.threshold, sensitivity: yd.sensitivity, specificity: yd.specificity },
        curve: S.rocPoints(curve),
      };
      const text = `ROC of ${s} for ${y} (n = ${json.n}, ${json.cases} cases, ${json.controls} controls, ${json.dropped} rows dropped, direction ${curve.direction})
AUC ${fmt(curve.auc)}  95% CI ${fmt(ci.lower)}–${fmt(ci.upper)} (${ci.method})
Youden threshold ${fmt(yd.threshold)}: sensitivity ${fmt(yd.sensitivity)}, specificity ${fmt(yd.specificity)}`;
      return { json, text };
    }
    case 'roc-test': {
      const y = label();
      const a = need(o, 'score', sub);
      const b = need(o, 'score2', sub);
      const d = cols([y, a, b]);
      const r = S.rocTestPaired(d.columns[y], d.columns[a], d.columns[b]);
      const json = { n: d.rows.length, dropped: d.dropped, auc1: r.auc1, auc2: r.auc2, difference: r.difference, z: r.z, p: r.p, method: 'DeLong paired' };
      return { json, text: `DeLong test (paired), n = ${json.n}\n${kv(json)}` };
    }
    case 'confusion': {
      const y = label();
      const s = need(o, 'score', sub);
      const t = num(o, 'threshold');
      const d = cols([y, s]);
      const m = S.thresholdMetrics(d.columns[y], d.columns[s], t);
      const json = { ...m, n: d.rows.length, dropped: d.dropped };
      const ciRows = Object.entries(m.ci).map(([k, c]) => ({ metric: k, estimate: c?.estimate ?? null, lower: c?.lower ?? null, upper: c?.upper ?? null }));
      return { json, text: `Positive = ${s} >= ${t} (n = ${json.n}, ${json.dropped} dropped)\n${kv(json)}\n\nWilson 95% CIs\n${textTable(ciRows)}` };
    }
    case 'calibration': {
      const y = label();
      const p = need(o, 'prob', sub);
      const d = cols([y, p]);
      const g = num(o, 'groups', 10);
      const cal = S.calibrationInterceptSlope(d.columns[y], d.columns[p]);
      const hl = S.hosmerLemeshow(d.columns[y], d.columns[p], g);
      const json = {
        n: d.rows.length,
        dropped: d.dropped,
        brier: S.brierScore(d.columns[y], d.columns[p]),
        intercept: cal.intercept,
        slope: cal.slope,
        hosmerLemeshow: { statistic: hl.statistic, df: hl.df, p: hl.p, groups: hl.groups },
        curve: hl.table,
      };
      return {
        json,
        text: `Calibration of ${p} for ${y} (n = ${json.n})\nBrier ${fmt(json.brier)}  intercept ${fmt(cal.intercept)}  slope ${fmt(cal.slope)}\nHosmer–Lemeshow χ² ${fmt(hl.statistic)}, df ${hl.df}, p ${fmt(hl.p)} (${hl.groups} quantile groups)\n\n${textTable(hl.table as unknown as Record<string, unknown>[])}`,
      };
    }
    case 'dca': {
      const y = label();
      const p = need(o, 'prob', sub);
      const d = cols([y, p]);
      const ts = o.thresholds ? list(o.thresholds).map(Number) : undefined;
      const pts = S.decisionCurve(d.columns[y], d.columns[p], ts);
      return { json: { n: d.rows.length, dropped: d.dropped, points: pts }, text: textTable(pts as unknown as Record<string, unknown>[]) };
    }
    case 'logistic': {
      const y = label();
      const f = features();
      const d = cols([y, ...f]);
      const fit = new S.LogisticRegression().fit(S.fromColumns(f.map((n) => d.columns[n]), f), d.columns[y]);
      const json = {
        n: d.rows.length,
        dropped: d.dropped,
        coefficients: fit.coefficients,
        deviance: fit.deviance,
        nullDeviance: fit.nullDeviance,
        aic: fit.aic,
        converged: fit.converged,
        iterations: fit.iterations,
        warnings: fit.warnings,
        predicted: Array.from(fit.fitted),
      };
      return {
        json,
        text: `Logistic regression of ${y} (n = ${json.n}, ${json.dropped} dropped)\n${textTable(fit.coefficients as unknown as Record<string, unknown>[])}\nDeviance ${fmt(fit.deviance)} (null ${fmt(fit.nullDeviance)}), AIC ${fmt(fit.aic)}${fit.warnings.length ? '\nWarnings: ' + fit.warnings.join('; ') : ''}`,
      };
    }
    case 'lasso': {
      const y = label();
      const f = features();
      const d = cols([y, ...f]);
      const x = S.fromColumns(f.map((n) => d.columns[n]), f);
      const alpha = num(o, 'alpha', 1);
      const net = new S.GlmnetLogistic({ alpha });
      let lambda: number;
      let cvInfo: Record<string, unknown> | undefined;
      if (o.cv) {
        const cv = net.crossValidate(x, d.columns[y], { folds: num(o, 'cv'), seed: num(o, 'seed', 1) });
        lambda = cv.lambdaMin;
        cvInfo = { folds: cv.folds, lambdaMin: cv.lambdaMin, lambda1se: cv.lambda1se };
      } else lambda = num(o, 'lambda');
      const fit = net.fit(x, d.columns[y], { lambda: [lambda] });
      const coefficients = fit.coefficientsAt(0);
      const json = { n: d.rows.length, dropped: d.dropped, alpha, lambda, ...(cvInfo ? { cv: cvInfo } : {}), coefficients };
      return { json, text: `Penalised logistic (alpha ${alpha}, lambda ${fmt(lambda)})\n${textTable(coefficients as unknown as Record<string, unknown>[])}` };
    }
    case 'cox': {
      const t = need(o, 'time', sub);
      const e = need(o, 'event', sub);
      const f = features();
      const ties = (o.ties ?? 'efron') as 'efron' | 'breslow';
      if (ties !== 'efron' && ties !== 'breslow') throw new CliError(`stats cox: --ties must be efron or breslow`);
      const d = cols([t, e, ...f]);
      const x = S.fromColumns(f.map((n) => d.columns[n]), f);
      const fit = new S.CoxPH({ ties }).fit(x, d.columns[t], d.columns[e]);
      const conc = S.harrellC(d.columns[t], d.columns[e], fit.linearPredictor(x));
      const json: Record<string, unknown> = {
        n: d.rows.length,
        events: fit.events,
        dropped: d.dropped,
        ties,
        coefficients: fit.coefficients,
        tests: fit.tests,
        logLik: fit.logLik,
        concordance: conc.concordance,
        warnings: fit.warnings,
      };
      let extra = '';
      if (o.profiles) {
        const at = list(o.at).map(Number);
        if (!at.length || at.some((v) => !Number.isFinite(v))) throw new CliError('stats cox: --profiles needs --at T1,T2,… (numeric times)');
        const pt = S.parseCsv(fs.readFileSync(o.profiles, 'utf8'));
        const pc = S.numericColumns(pt, f);
        const survivalAt = pc.rows.map((_, k) => {
          const prof = f.map((n) => pc.columns[n][k]);
          const s = fit.survivalAt(prof, at);
          return { profile: Object.fromEntries(f.map((n, j) => [n, prof[j]])), survival: at.map((time, m) => ({ time, survival: s[m] })) };
        });
        json.survivalAt = survivalAt;
        extra = '\n\nPredicted survival\n' + textTable(survivalAt.map((r) => ({ ...r.profile, ...Object.fromEntries(r.survival.map((q) => [`S(${q.time})`, q.survival])) })));
      }
      const tests = Object.entries(fit.tests).map(([k, v]) => ({ test: k, ...v }));
      return {
        json,
        text: `Cox PH (${ties} ties), n = ${fit.n}, events = ${fit.events}, ${d.dropped} dropped\n${textTable(fit.coefficients as unknown as Record<string, unknown>[])}\n\n${textTable(tests)}\nConcordance (Harrell) ${fmt(conc.concordance)}${fit.warnings.length ? '\nWarnings: ' + fit.warnings.join('; ') : ''}${extra}`,
      };
    }
    case 'km': {
      const t = need(o, 'time', sub);
      const e = need(o, 'event', sub);
      const names = o.group ? [t, e, o.group] : [t, e];
      const d = cols([t, e]);
      let rows = d.rows;
      let groupVals: string[] = rows.map(() => 'all');
      if (o.group) {
        const gv = S.stringColumn(table, o.group, rows);
        const keep = gv.map((v) => !S.isMissing(v));
        rows = rows.filter((_, k) => keep[k]);
        groupVals = gv.filter((_, k) => keep[k]);
      }
      const pos = new Map(d.rows.map((r, k) => [r, k]));
      const time = rows.map((r) => d.columns[t][pos.get(r)!]);
      const ev = rows.map((r) => d.columns[e][pos.get(r)!]);
      const levels = Array.from(new Set(groupVals)).sort((a, b) => (isNaN(+a) || isNaN(+b) ? a.localeCompare(b) : +a - +b));
      const groups = levels.map((g) => {
        const ti = time.filter((_, k) => groupVals[k] === g);
        const ei = ev.filter((_, k) => groupVals[k] === g);
        const km = S.kaplanMeier(ti, ei);
        return { group: g, n: km.n, events: km.events, table: km.table, median: km.median };
      });
      const json: Record<string, unknown> = { n: time.length, dropped: table.rows.length - time.length, columns: names, groups };
      if (levels.length > 1) {
        const lr = S.logRank(time, ev, groupVals);
        json.logrank = { chisq: lr.chisq, df: lr.df, p: lr.p, observed: lr.observed, expected: lr.expected };
      }
      const text = groups
        .map((g) => `Group ${g.group}: n = ${g.n}, events = ${g.events}, median ${fmt(g.median.median)} (95% CI ${fmt(g.median.lower)}–${fmt(g.median.upper)})\n${textTable(g.table.filter((r) => r.nEvent > 0) as unknown as Record<string, unknown>[], ['time', 'nRisk', 'nEvent', 'survival', 'stdErr', 'lower', 'upper'])}`)
        .join('\n\n');
      const lr = json.logrank as { chisq: number; df: number; p: number } | undefined;
      return { json, text: text + (lr ? `\n\nLog-rank χ² ${fmt(lr.chisq)}, df ${lr.df}, p ${fmt(lr.p)}` : '') };
    }
    case 'concordance': {
      const t = need(o, 'time', sub);
      const e = need(o, 'event', sub);
      const s = need(o, 'score', sub);
      const d = cols([t, e, s]);
      const h = S.harrellC(d.columns[t], d.columns[e], d.columns[s]);
      const u = S.unoC(d.columns[t], d.columns[e], d.columns[s]);
      const json = { n: d.rows.length, dropped: d.dropped, harrell: h, uno: u };
      return { json, text: `Harrell's C ${fmt(h.concordance)} (${h.comparable} comparable pairs)\nUno's C ${fmt(u.concordance)}` };
    }
    case 'td-auc': {
      const t = need(o, 'time', sub);
      const e = need(o, 'event', sub);
      const s = need(o, 'score', sub);
      const horizons = list(need(o, 'horizon', sub)).map(Number);
      const d = cols([t, e, s]);
      const res = horizons.map((hz) => S.timeDependentAuc(d.columns[t], d.columns[e], d.columns[s], hz));
      return { json: { n: d.rows.length, dropped: d.dropped, results: res }, text: textTable(res as unknown as Record<string, unknown>[]) };
    }
    case 'nomogram': {
      const f = features();
      const at = list(o.at).map(Number);
      let model;
      let d;
      if (o.time || o.event) {
        const t = need(o, 'time', sub);
        const e = need(o, 'event', sub);
        d = cols([t, e, ...f]);
        model = new S.CoxPH({ ties: (o.ties ?? 'efron') as 'efron' | 'breslow' }).fit(S.fromColumns(f.map((n) => d!.columns[n]), f), d.columns[t], d.columns[e]);
      } else {
        const y = label();
        d = cols([y, ...f]);
        model = new S.LogisticRegression().fit(S.fromColumns(f.map((n) => d!.columns[n]), f), d.columns[y]);
      }
      const nom = S.nomogram(model, { data: S.fromColumns(f.map((n) => d!.columns[n]), f), horizons: at });
      const json: Record<string, unknown> = { kind: nom.kind, maxPoints: nom.maxPoints, pointsPerUnitLp: nom.scale, axes: nom.axes };
      if (o.patient) {
        const prof = Object.fromEntries(
          list(o.patient).map((kvp) => {
            const [k, v] = kvp.split('=');
            return [k.trim(), Number(v)];
          }),
        );
        json.patient = nom.score(prof);
      }
      const text =
        nom.axes.map((a) => `${a.name}: ` + a.values.map((v, k) => `${fmt(v)}→${a.points[k].toFixed(1)}`).join('  ')).join('\n') +
        (json.patient ? `\n\nPatient: ${toJson(json.patient)}` : '');
      return { json, text };
    }
    case 'risk-groups': {
      const t = need(o, 'time', sub);
      const e = need(o, 'event', sub);
      const sc = need(o, 'score', sub);
      const d = cols([t, e, sc]);
      const r = S.riskGroupAnalysis(d.columns[t], d.columns[e], d.columns[sc], o.cutoffs ? { cutoffs: list(o.cutoffs).map(Number) } : { probs: o.probs ? list(o.probs).map(Number) : [0.5] });
      const json = { n: d.rows.length, dropped: d.dropped, cutoffs: r.cutoffs, groups: r.groups, logrank: r.logrank && { chisq: r.logrank.chisq, df: r.logrank.df, p: r.logrank.p } };
      const rows = r.groups.map((g) => ({ group: g.group, n: g.n, events: g.events, median: g.median.median, lower: g.median.lower, upper: g.median.upper }));
      return { json, text: `Risk groups of ${sc} (cut-offs ${r.cutoffs.map(fmt).join(', ')})\n${textTable(rows)}${r.logrank ? `\nLog-rank χ² ${fmt(r.logrank.chisq)}, df ${r.logrank.df}, p ${fmt(r.logrank.p)}` : ''}` };
    }
    case 'select': {
      const y = label();
      const f = features();
      const d = cols([y, ...f]);
      const x = S.fromColumns(f.map((n) => d.columns[n]), f);
      const method = o.method ?? 'mrmr';
      const k = num(o, 'k', Math.min(10, f.length));
      let selected: number[];
      let scores: Record<string, unknown>[] = [];
      switch (method) {
        case 'variance': {
          const r = S.varianceFilter(x, num(o, 'threshold', 0));
          selected = r.kept;
          scores = f.map((name, j) => ({ name, variance: r.variances[j] }));
          break;
        }
        case 'correlation': {
          const r = S.correlationFilter(x, num(o, 'threshold', 0.9));
          selected = r.kept;
          scores = r.dropped.map((q) => ({ name: f[q.index], correlatedWith: f[q.correlatedWith], r: q.r }));
          break;
        }
        case 'anova': {
          const r = S.anovaF(x, d.columns[y]);
          selected = f.map((_, j) => j).sort((a, b) => r.f[b] - r.f[a]).slice(0, k);
          scores = f.map((name, j) => ({ name, f: r.f[j], p: r.p[j] }));
          break;
        }
        case 'mannwhitney': {
          const res = f.map((name) => ({ name, ...S.mannWhitney(d.columns[name], d.columns[y]) }));
          selected = f.map((_, j) => j).sort((a, b) => res[a].p - res[b].p).slice(0, k);
          scores = res;
          break;
        }
        case 'mrmr': {
          const r = S.mrmr(x, d.columns[y], k);
          selected = r.selected;
          scores = r.selected.map((j, q) => ({ name: f[j], score: r.scores[q] }));
          break;
        }
        case 'lasso': {
          const cv = new S.GlmnetLogistic({ alpha: num(o, 'alpha', 1) }).crossValidate(x, d.columns[y], { folds: num(o, 'cv', 10), seed: num(o, 'seed', 1) });
          const beta = cv.fit.beta[cv.index1se];
          selected = f.map((_, j) => j).filter((j) => beta[j] !== 0);
          scores = f.map((name, j) => ({ name, estimate: beta[j] }));
          break;
        }
        default:
          throw new CliError(`stats select: --method must be variance, correlation, anova, mannwhitney, mrmr or lasso; got '${method}'`);
      }
      const json = { n: d.rows.length, dropped: d.dropped, method, selected: selected.map((j) => f[j]), scores };
      return { json, text: `Selected by ${method}: ${json.selected.join(', ') || '(none)'}\n\n${textTable(scores)}` };
    }
    case 'cv': {
      const y = label();
      const f = features();
      const d = cols([y, ...f]);
      const x = S.fromColumns(f.map((n) => d.columns[n]), f);
      const model = o.model ?? 'logistic';
      const seed = num(o, 'seed', 1);
      const makers: Record<string, () => { fit(x: import('@hepatoscope/stats').Matrix, y: ArrayLike<number>): { predict(x: import('@hepatoscope/stats').Matrix): Float64Array } }> = {
        logistic: () => new S.LogisticRegression(),
        knn: () => new S.KNearestNeighbors({ k: num(o, 'k', 5) }),
        gbt: () => new S.GradientBoostingClassifier(),
        rf: () => new S.RandomForestClassifier({ seed }),
        svm: () => new S.SupportVectorClassifier({ kernel: 'rbf', seed }),
        'svm-linear': () => new S.SupportVectorClassifier({ kernel: 'linear', seed }),
        lasso: () => ({
          fit(xx, yy) {
            const cv = new S.GlmnetLogistic({ alpha: num(o, 'alpha', 1) }).crossValidate(xx, yy, { folds: 5, seed });
            return { predict: (xn) => cv.fit.predict(xn, cv.indexMin) };
          },
        }),
      };
      const make = makers[model];
      if (!make) throw new CliError(`stats cv: --model must be one of ${Object.keys(makers).join(', ')}; got '${model}'`);
      const r = S.crossValidateAuc(make, x, d.columns[y], { folds: num(o, 'folds', 5), repeats: num(o, 'repeats', 1), seed });
      const json = { n: d.rows.length, dropped: d.dropped, model, folds: r.folds, repeats: r.repeats, meanAuc: r.meanAuc, sdAuc: r.sdAuc, foldAuc: r.foldAuc, pooledAuc: r.pooledAuc };
      return { json, text: `${r.repeats}× ${r.folds}-fold stratified CV of ${model}: AUC ${fmt(r.meanAuc)} ± ${fmt(r.sdAuc)} (pooled ${r.pooledAuc.map(fmt).join(', ')})` };
    }
    case 'icc': {
      const f = features();
      const d = cols(f);
      const res = S.icc(S.fromColumns(f.map((n) => d.columns[n]), f));
      return { json: { n: d.rows.length, dropped: d.dropped, raters: f.length, results: res }, text: textTable(res as unknown as Record<string, unknown>[]) };
    }
    case 'combat': {
      const f = features();
      const b = need(o, 'batch', sub);
      const cv = list(o.covariates);
      const d = cols([...f, ...cv]);
      const batch = S.stringColumn(table, b, d.rows);
      const keep = batch.map((v) => !S.isMissing(v));
      const rows = d.rows.filter((_, k) => keep[k]);
      const pick = (n: string) => d.columns[n].filter((_, k) => keep[k]);
      const x = S.fromColumns(f.map(pick), f);
      const covariates = cv.length ? S.fromColumns(cv.map(pick), cv) : undefined;
      const res = S.combat(x, batch.filter((_, k) => keep[k]), { covariates });
      if (o.output) {
        const lines = [f.join(',')];
        for (let i = 0; i < res.data.rows; i++) lines.push(Array.from(res.data.data.subarray(i * f.length, (i + 1) * f.length)).join(','));
        fs.writeFileSync(o.output, lines.join('\n') + '\n');
      }
      const json = { n: rows.length, dropped: table.rows.length - rows.length, batches: res.batches, rows: rows.map((r) => r + 1), ...(o.output ? { output: o.output } : { data: Array.from({ length: res.data.rows }, (_, i) => Array.from(res.data.data.subarray(i * f.length, (i + 1) * f.length))) }) };
      return { json, text: `ComBat over ${res.batches.length} batches (${res.batches.join(', ')}), ${rows.length} rows${o.output ? `, written to ${o.output}` : ''}` };
    }
    default:
      throw new CliError(`stats: unknown command '${sub}'\n\n${USAGE}`);
  }
}

/** Read two label masks (NIfTI/NRRD via @hepatoscope/imaging-io) and compare them; any non-zero label = foreground. */
async function segMetrics(refPath: string, predPath: string, styleIn: string | undefined): Promise<Output> {
  const style = (styleIn ?? 'medpy') as 'medpy' | 'monai';
  if (style !== 'medpy' && style !== 'monai') throw new CliError(`stats seg-metrics: --style must be medpy or monai, got '${styleIn}'`);
  const io = await import('@hepatoscope/imaging-io');
  const S = await import('@hepatoscope/stats');
  const load = async (p: string) => {
    try {
      return await io.readVolume(p);
    } catch (e) {
      throw new CliError(`stats seg-metrics: cannot read ${p}: ${(e as Error).message}`);
    }
  };
  const [a, b] = await Promise.all([load(refPath), load(predPath)]);
  const mask = (v: Awaited<ReturnType<typeof load>>) => ({
    data: v.data as ArrayLike<number>,
    shape: [v.dims[0], v.dims[1], v.dims[2]] as [number, number, number],
    spacing: [v.spacing[0], v.spacing[1], v.spacing[2]] as [number, number, number],
  });
  const m = S.segmentationMetrics(mask(a), mask(b), style);
  return { json: m, text: `Segmentation agreement (${style} surface conventions)\n${kv(m as unknown as Record<string, unknown>)}` };
}

const stats: Command = {
  name: 'stats',
  summary: 'Statistics on a CSV: ROC/AUC, metrics, calibration, logistic, LASSO, Cox, KM, nomograms',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (!sub || sub.startsWith('-')) throw new CliError(`stats: a command is required\n\n${USAGE}`);
    let values: Opts;
    try {
      values = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }).values as Opts;
    } catch (e) {
      throw new CliError(`stats ${sub}: ${(e as Error).message}`);
    }
    let out: Output;
    try {
      out = await runSub(sub, values);
    } catch (e) {
      if (e instanceof Error && (e.name === 'StatsInputError' || e.name === 'SingularMatrixError')) throw new CliError(`stats ${sub}: ${e.message}`);
      throw e;
    }
    const asJson = values.json ?? (values.table ? false : !process.stdout.isTTY);
    console.log(asJson ? toJson(out.json) : out.text);
    return 0;
  },
};
export default stats;
