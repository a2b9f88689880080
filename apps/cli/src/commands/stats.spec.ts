import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stats from './stats';

/**
 * The first 40 patients of asaur::hepatoCellular (CC0 data; see libs/stats/fixtures/data/asaur-hepatocellular).
 * Expected numbers come from R 4.2.2 (survival 3.5-3, pROC 1.18.0) on exactly this table:
 *   coxph(Surv(OS, Death) ~ Age + Tumorsize + CXCL17T, ties = "efron", eps = 1e-14); survdiff(~ BCLC);
 *   glm(Death ~ Age + Tumorsize, binomial); roc(Death, CXCL17T, direction = "<") + ci.auc (DeLong);
 *   quantile(survfit(Surv(OS, Death) ~ 1, conf.type = "log-log"), 0.5).
 * The last line adds one row with missing Age, BCLC and CXCL17T to exercise the complete-case policy.
 */
const CSV = `OS,Death,Age,Vascularinvasion,Tumorsize,BCLC,CXCL17T
83,0,57,0,2,1,113.9472382
81,0,58,0,1,1,54.07154185
79,0,65,1,2,2,22.18883123
76,0,54,0,2,1,8.442809305
7,1,71,1,2,2,8.271131328
13,1,32,0,2,1,13.70807293
38,1,79,0,2,1,5.532926347
19,0,27,0,2,2,6.508273064
4,1,55,0,2,1,1.543443183
76,0,35,1,2,2,7.776040573
3,1,34,1,2,2,8.392658867
78,0,60,1,1,2,25.68292049
8,0,38,0,2,2,45.858854
72,0,72,0,1,1,4.730329974
63,0,41,0,1,1,1.270262513
33,1,47,0,1,2,2.101007785
76,0,50,0,2,1,19.33353399
5,0,21,0,2,2,65.07165757
17,1,37,0,2,2,10.92672208
23,1,53,0,2,1,438.5795441
75,0,54,0,2,1,41.52240318
77,0,65,0,1,1,73.36760475
25,1,32,1,2,2,4.182601352
32,1,46,0,2,2,9.426927747
24,0,27,1,2,2,0.619840721
23,1,35,0,2,1,4.093137517
76,0,38,0,2,1,0.317068564
75,0,59,0,2,1,9.425805082
15,1,46,1,2,2,126.0389149
61,0,38,1,1,2,77.45703681
13,1,51,0,2,1,156.4315227
18,1,40,0,2,2,52.35802247
74,0,63,0,2,1,2.825021357
52,1,37,0,1,1,1.392308401
16,1,30,0,1,1,0.743131106
45,1,67,0,1,1,4.779113315
69,0,71,0,1,2,2.750518389
60,1,50,0,2,2,5.380943997
76,0,55,0,2,1,79.30560007
75,0,53,1,2,2,11.19876876
90,0,,1,2,,
`;

const dir = mkdtempSync(join(tmpdir(), 'stats-cli-'));
const csv = join(dir, 'cohort.csv');
writeFileSync(csv, CSV);

async function runJson(args: string[]): Promise<any> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  try {
    const code = await stats.run([...args, '--json']);
    expect(code).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(lines.join('\n'));
}

async function runText(args: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  try {
    await stats.run([...args, '--table']);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

const close = (a: number, b: number, rel = 1e-8) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b) + 1e-12);

describe('hepatoscope stats', () => {
  it('roc: AUC and DeLong CI equal pROC, ±Inf thresholds as strings', async () => {
    const r = await runJson(['roc', '--input', csv, '--label', 'Death', '--score', 'CXCL17T']);
    close(r.auc, 0.424242424242424, 1e-12);
    close(r.ci.lower, 0.235005540263882, 1e-12);
    close(r.ci.upper, 0.613479308220966, 1e-12);
    expect(r.ci.method).toBe('delong');
    expect(r.curve[0].threshold).toBe('-Inf');
    expect(r.curve[r.curve.length - 1].threshold).toBe('Inf');
    expect(r.n).toBe(40);
    expect(r.dropped).toBe(1);
    expect(Object.keys(r.youden)).toEqual(['threshold', 'sensitivity', 'specificity']);
  });

  it('cox: coefficients and Wald test equal coxph; complete cases drop the row with missing Age', async () => {
    const r = await runJson(['cox', '--input', csv, '--time', 'OS', '--event', 'Death', '--features', 'Age,Tumorsize,CXCL17T', '--ties', 'efron']);
    expect(r.n).toBe(40);
    expect(r.dropped).toBe(1);
    close(r.coefficients[0].estimate, -0.03390681038335637);
    close(r.coefficients[1].estimate, 0.51584607916345271);
    close(r.coefficients[2].estimate, 0.00289547592396557);
    close(r.tests.wald.statistic, 4.48089973009856);
    expect(r.coefficients[0]).toEqual(expect.objectContaining({ name: 'Age', hr: expect.any(Number), lower: expect.any(Number), upper: expect.any(Number), z: expect.any(Number), p: expect.any(Number) }));
    expect(r.concordance).toBeGreaterThan(0.5);
  });

  it('cox --profiles --at: predicted survival per profile', async () => {
    const prof = join(dir, 'profiles.csv');
    writeFileSync(prof, 'Age,Tumorsize,CXCL17T\n50,1,10\n50,2,10\n');
    const r = await runJson(['cox', '--input', csv, '--time', 'OS', '--event', 'Death', '--features', 'Age,Tumorsize,CXCL17T', '--profiles', prof, '--at', '12,24']);
    expect(r.survivalAt).toHaveLength(2);
    expect(r.survivalAt[1].survival[0].survival).toBeLessThan(r.survivalAt[0].survival[0].survival);
  });

  it('km with --group: log-rank equals survdiff, median CI as survfit', async () => {
    const r = await runJson(['km', '--input', csv, '--time', 'OS', '--event', 'Death', '--group', 'BCLC']);
    close(r.logrank.chisq, 0.670161575709411, 1e-10);
    expect(r.logrank.df).toBe(1);
    expect(r.groups.map((g: { group: string }) => g.group)).toEqual(['1', '2']);
    const all = await runJson(['km', '--input', csv, '--time', 'OS', '--event', 'Death']);
    // R on the 40 rows: median NA, lower 32, upper NA
    expect(all.groups[0].median).toEqual({ median: null, lower: 32, upper: null });
    expect(Object.keys(all.groups[0].table[0])).toEqual(expect.arrayContaining(['time', 'nRisk', 'nEvent', 'survival', 'stdErr', 'lower', 'upper']));
  });

  it('logistic: coefficients equal glm', async () => {
    const r = await runJson(['logistic', '--input', csv, '--label', 'Death', '--features', 'Age,Tumorsize']);
    close(r.coefficients[0].estimate, -0.227344714709459);
    close(r.coefficients[1].estimate, -0.0139405649796147);
    close(r.coefficients[2].estimate, 0.4049630341191773);
    expect(r.coefficients[0].name).toBe('(Intercept)');
    expect(r.predicted).toHaveLength(40);
  });

  it('confusion, calibration, roc-test, concordance, td-auc, dca, lasso, nomogram produce their documented keys', async () => {
    const c = await runJson(['confusion', '--input', csv, '--label', 'Death', '--score', 'CXCL17T', '--threshold', '10']);
    for (const k of ['tp', 'fp', 'tn', 'fn', 'accuracy', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'balancedAccuracy', 'kappa', 'mcc']) expect(c).toHaveProperty(k);
    expect(c.tp + c.fp + c.tn + c.fn).toBe(40);
    const lr = await runJson(['logistic', '--input', csv, '--label', 'Death', '--features', 'Age,Tumorsize']);
    const withP = join(dir, 'withp.csv');
    const lines = CSV.trim().split('\n');
    writeFileSync(withP, ['Death,p', ...lines.slice(1, 41).map((l, i) => `${l.split(',')[1]},${lr.predicted[i]}`)].join('\n'));
    const cal = await runJson(['calibration', '--input', withP, '--label', 'Death', '--prob', 'p', '--groups', '5']);
    expect(Object.keys(cal)).toEqual(expect.arrayContaining(['brier', 'intercept', 'slope', 'hosmerLemeshow', 'curve']));
    close(cal.intercept, 0, 1e-6);
    close(cal.slope, 1, 1e-6);
    const t = await runJson(['roc-test', '--input', csv, '--label', 'Death', '--score', 'CXCL17T', '--score2', 'Age']);
    expect(Object.keys(t)).toEqual(expect.arrayContaining(['auc1', 'auc2', 'difference', 'z', 'p']));
    const conc = await runJson(['concordance', '--input', csv, '--time', 'OS', '--event', 'Death', '--score', 'Tumorsize']);
    expect(conc.harrell.concordance).toBeGreaterThan(0);
    const td = await runJson(['td-auc', '--input', csv, '--time', 'OS', '--event', 'Death', '--score', 'Tumorsize', '--horizon', '24,48']);
    expect(td.results).toHaveLength(2);
    const dca = await runJson(['dca', '--input', withP, '--label', 'Death', '--prob', 'p', '--thresholds', '0.1,0.2']);
    expect(dca.points[0]).toEqual(expect.objectContaining({ threshold: 0.1, treatNone: 0 }));
    const lasso = await runJson(['lasso', '--input', csv, '--label', 'Death', '--features', 'Age,Tumorsize,CXCL17T,Vascularinvasion', '--alpha', '1', '--lambda', '0.02']);
    expect(lasso.coefficients[0].name).toBe('(Intercept)');
    expect(lasso.coefficients).toHaveLength(5);
    const cv = await runJson(['lasso', '--input', csv, '--label', 'Death', '--features', 'Age,Tumorsize,CXCL17T', '--cv', '5', '--seed', '2']);
    expect(cv.cv.lambda1se).toBeGreaterThanOrEqual(cv.cv.lambdaMin);
    const nom = await runJson(['nomogram', '--input', csv, '--time', 'OS', '--event', 'Death', '--features', 'Age,Tumorsize', '--at', '24', '--patient', 'Age=50,Tumorsize=2']);
    expect(Math.max(...nom.axes.flatMap((a: { points: number[] }) => a.points))).toBeCloseTo(100, 8);
    expect(nom.patient.survival[0].horizon).toBe(24);
  });

  it('risk-groups, select, cv, icc and combat', async () => {
    const rg = await runJson(['risk-groups', '--input', csv, '--time', 'OS', '--event', 'Death', '--score', 'CXCL17T']);
    expect(rg.groups).toHaveLength(2);
    expect(rg.logrank.df).toBe(1);
    for (const method of ['variance', 'correlation', 'anova', 'mannwhitney', 'mrmr']) {
      const r = await runJson(['select', '--input', csv, '--label', 'Death', '--features', 'Age,Tumorsize,CXCL17T,Vascularinvasion', '--method', method, '--k', '2']);
      expect(Array.isArray(r.selected)).toBe(true);
      expect(r.method).toBe(method);
    }
    const mr = await runJson(['select', '--input', csv, '--label', 'Death', '--features', 'Age,Tumorsize,CXCL17T,Vascularinvasion', '--method', 'mrmr', '--k', '2']);
    expect(mr.selected).toHaveLength(2);
    for (const model of ['logistic', 'knn', 'gbt', 'rf', 'svm']) {
      const r = await runJson(['cv', '--input', csv, '--label', 'Death', '--features', 'Age,Tumorsize,CXCL17T', '--model', model, '--folds', '4', '--seed', '3']);
      expect(r.foldAuc).toHaveLength(4);
      expect(r.meanAuc).toBeGreaterThan(0);
    }
    const ic = await runJson(['icc', '--input', csv, '--features', 'Age,Tumorsize,BCLC']);
    expect(ic.results.map((q: { type: string }) => q.type)).toEqual(['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k']);
    const out = join(dir, 'harmonised.csv');
    const cb = await runJson(['combat', '--input', csv, '--features', 'Age,CXCL17T', '--batch', 'BCLC', '--output', out]);
    expect(cb.batches).toEqual(['1', '2']);
    expect(cb.n).toBe(40);
  });

  it('readable tables', async () => {
    const text = await runText(['cox', '--input', csv, '--time', 'OS', '--event', 'Death', '--features', 'Age,Tumorsize']);
    expect(text).toMatch(/Cox PH \(efron ties\), n = 40, events = /);
    expect(text).toMatch(/Tumorsize/);
  });

  it('seg-metrics on NIfTI masks', async () => {
    const io = await import('@hepatoscope/imaging-io');
    const { segmentationMetrics } = await import('@hepatoscope/stats');
    const dims = [8, 7, 5] as const;
    const a = new Uint8Array(8 * 7 * 5);
    const b = new Uint8Array(8 * 7 * 5);
    for (let z = 1; z < 4; z++) for (let y = 1; y < 5; y++) for (let x = 1; x < 6; x++) a[x + 8 * (y + 7 * z)] = 1;
    for (let z = 1; z < 4; z++) for (let y = 2; y < 6; y++) for (let x = 2; x < 7; x++) b[x + 8 * (y + 7 * z)] = 2;
    const spacing = [0.8, 0.8, 2.5] as const;
    await io.writeVolume(join(dir, 'a.nii.gz'), io.createVolume({ data: a, dims, spacing }));
    await io.writeVolume(join(dir, 'b.nii.gz'), io.createVolume({ data: b, dims, spacing }));
    const r = await runJson(['seg-metrics', '--reference', join(dir, 'a.nii.gz'), '--prediction', join(dir, 'b.nii.gz'), '--style', 'monai']);
    const direct = segmentationMetrics({ data: a, shape: [8, 7, 5], spacing: [0.8, 0.8, 2.5] }, { data: b, shape: [8, 7, 5], spacing: [0.8, 0.8, 2.5] }, 'monai');
    close(r.dice, direct.dice!, 1e-12);
    close(r.hd95, direct.hd95!, 1e-6);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['dice', 'jaccard', 'volumeDifference', 'arvd', 'hausdorff', 'hd95', 'assd']));
  });

  it('errors name the column and row', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'y,s\n0,1\n1,abc\n');
    await expect(stats.run(['roc', '--input', bad, '--label', 'y', '--score', 's', '--json'])).rejects.toThrow(/column 's', data row 2 \(line 3\): 'abc' is not a number/);
    await expect(stats.run(['roc', '--input', csv, '--label', 'Death', '--score', 'nope', '--json'])).rejects.toThrow(/column 'nope' not found/);
    await expect(stats.run(['roc', '--input', csv, '--label', 'Death', '--json'])).rejects.toThrow(/--score is required/);
    await expect(stats.run(['frobnicate'])).rejects.toThrow(/unknown command/);
    const one = join(dir, 'one.csv');
    writeFileSync(one, 'y,s\n1,1\n1,2\n');
    await expect(stats.run(['roc', '--input', one, '--label', 'y', '--score', 's', '--json'])).rejects.toThrow(/at least one case/);
  });
});
