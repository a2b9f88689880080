/* global DOMParser, getComputedStyle, location -- used inside page.evaluate / waitForFunction (browser context) */
/**
 * End-to-end: the analysis charts (see harness.mjs for the stack).
 * - lab: a Cox model shows C-index, hazard ratios, KM by risk group and feature importance;
 * - registry + case: the promoted, validated Cox model's KM by risk group, with the patient's predicted curve overlaid;
 * - registry: the paired DeLong comparison of two models shows ΔAUC, its CI and the p-value, with both ROC curves;
 * - chart export: SVG (well-formed, <svg …>) and PNG (signature, size, not blank) downloads;
 * - worklist: the "pending review" filter narrows the list to patients with a DRAFT segmentation.
 * Screenshots: apps/portal-e2e/screenshots/charts-*.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { findPatientWithImaging, login, newPage, shot, trpcQuery } from './harness.mjs';
import { closeStack, openStack, problems, trpcMutation } from './suite.mjs';
import { decodePng, pixelStats } from './png.mjs';

let stack;
let browser;
/** State shared along the workflow: the Cox model, its cohort, and the two logistic models. */
const ctx = {};

before(async () => ({ stack, browser } = await openStack()), { timeout: 900_000 });
after(() => closeStack({ stack, browser }));

/** Cohorts of ≥ 20 patients visible to the signed-in user, the imaging (TCIA) cohort first. */
async function cohortsBySize(page) {
  return (await trpcQuery(page, 'cohorts.list'))
    .filter((c) => c.size >= 20)
    .sort((a, b) => Number(/tcia/i.test(b.name)) - Number(/tcia/i.test(a.name)) || b.size - a.size);
}

describe('analysis charts', () => {
  test('lab: a Cox model shows its C-index, hazard ratios, KM by risk group and feature importance', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    await page.goto(`${stack.baseUrl}/lab`);
    await page.waitForSelector('[data-testid=lab-form] select[name=cohort] option:nth-child(2)', { state: 'attached' });
    await page.selectOption('select[name=estimator]', 'cox');
    // age and AFP: recorded for most patients, so a case below can be scored
    await page.getByLabel('Largest diameter').uncheck();
    const tried = [];
    for (const c of await cohortsBySize(page)) {
      await page.selectOption('select[name=cohort]', c.id);
      await page.selectOption('select[name=outcome]', 'os');
      await page.click('[data-testid=train]');
      await page.waitForFunction(() => !document.querySelector('[data-testid=train]')?.textContent?.includes('Training'), null, { timeout: 180_000 });
      if (await page.$('[data-testid=lab-result] [data-testid=survival-metrics]')) {
        ctx.coxCohort = c;
        break;
      }
      tried.push(`${c.name}: ${await page.textContent('[data-testid=lab-form] .hs-error').catch(() => '?')}`);
    }
    assert.ok(ctx.coxCohort, `Cox training failed on every cohort: ${tried.join(' | ')}`);
    const cindex = Number(await page.textContent('[data-testid=metric-cindex]'));
    assert.ok(cindex > 0 && cindex < 1, `C-index ${cindex}`);
    const groups = await page.$$eval('[data-testid=lab-result] [data-testid=km-risk-groups] [data-role=km-curve]', (g) => g.map((e) => e.getAttribute('data-label')));
    assert.equal(groups.length, 3, `three risk groups: ${groups}`);
    assert.match(groups.join(' '), /low \(n=\d+\).*intermediate \(n=\d+\).*high \(n=\d+\)/);
    const note = await page.textContent('[data-testid=lab-result] [data-role=km-note]');
    assert.match(note, /log-rank χ²=[\d.]+, df=2, p/);
    assert.equal(await page.$$eval('[data-testid=hazard-ratios] tbody tr', (r) => r.length), 2);
    await page.waitForSelector('[data-testid=lab-result] [data-testid=feature-importance] [data-role=importance-bar]');
    ctx.coxModelId = (await page.getAttribute('[data-testid=lab-result] a[href^="/models?id="]', 'href')).split('=')[1];
    await shot(page, 'charts-lab-cox');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('registry + case: KM by risk group of the validated Cox model, with the patient curve overlaid', async () => {
    assert.ok(ctx.coxModelId, 'the Cox model of the previous test');
    const admin = await newPage(browser);
    await login(admin, stack.baseUrl, stack.logins.ADMIN);
    await admin.goto(`${stack.baseUrl}/models?id=${ctx.coxModelId}`);
    await admin.waitForSelector('[data-testid=model-card-detail]');
    await admin.fill('[data-testid=model-card-detail] input[placeholder^="e.g."]', 'e2e: KM by risk group reviewed');
    await admin.click('[data-testid=promote]');
    await admin.waitForFunction(() => document.querySelector('[data-testid=model-card-detail] .hs-badge')?.textContent === 'VALIDATED', null, { timeout: 30_000 });
    // external-style validation on the cohort → the registry's validation view draws KM by risk group
    await admin.selectOption('select[name=validate-cohort]', ctx.coxCohort.id);
    await admin.click('[data-testid=validate]');
    await admin.waitForSelector('[data-testid=model-validations] [data-testid=km-risk-groups] [data-role=km-curve]', { timeout: 60_000 });
    assert.equal(await admin.$$eval('[data-testid=model-validations] [data-testid=km-risk-groups] [data-role=km-curve]', (g) => g.length), 3);
    await shot(admin, 'charts-registry-km');
    assert.deepEqual(problems(admin), []);
    await admin.context().close();

    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    const list = await trpcQuery(page, 'patients.list', { cohortId: ctx.coxCohort.id, page: 1, pageSize: 200 });
    const patient = list.items.find((p) => p.age != null && p.afp != null);
    assert.ok(patient, `a patient of ${ctx.coxCohort.name} with age and AFP`);
    await page.goto(`${stack.baseUrl}/cases/${patient.id}`);
    const card = await page.waitForSelector(`[data-testid=model-card][data-kind=cox]`, { timeout: 60_000 });
    // before a run: the model's KM by risk group without a patient curve
    await card.waitForSelector('[data-testid=km-risk-groups]');
    await (await card.$('[data-testid=run-prediction]')).click();
    await card.waitForSelector('[data-testid=prediction-result] [data-role=km-curve][data-dashed=true]', { timeout: 30_000 });
    const curves = await card.$$eval('[data-testid=km-risk-groups] [data-role=km-curve]', (g) => g.map((e) => e.getAttribute('data-label')));
    assert.deepEqual(curves.length, 4, `3 groups + the patient: ${curves}`);
    assert.ok(curves.includes('this patient'));
    // the patient's curve comes with its CI band (a filled path before the dashed line)
    const bandPaths = await card.$$eval('[data-role=km-curve][data-dashed=true] path', (p) => p.length);
    assert.equal(bandPaths, 2, 'band + line');
    assert.match(await card.textContent('[data-testid=survival-panel]'), /(low|intermediate|high) risk/);
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'charts-case-survival');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('registry: the DeLong comparison of two models shows ΔAUC with CI, the p-value and both ROC curves', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.ADMIN);
    let trained = null;
    const tried = [];
    for (const c of await cohortsBySize(page)) {
      for (const outcome of ['os24', 'osEvent', 'rfs24']) {
        try {
          const a = await trpcMutation(page, 'lab.train', { cohortId: c.id, outcome, features: ['age', 'afp'], estimator: 'logistic', cvFolds: 3, seed: 1, name: 'E2E DeLong A' });
          const b = await trpcMutation(page, 'lab.train', { cohortId: c.id, outcome, features: ['age'], estimator: 'logistic', cvFolds: 3, seed: 1, name: 'E2E DeLong B' });
          trained = { a: a.modelId, b: b.modelId, cohort: c };
          break;
        } catch (e) {
          tried.push(`${c.name}/${outcome}: ${e.message.slice(0, 120)}`);
        }
      }
      if (trained) break;
    }
    assert.ok(trained, `two models trained on one cohort: ${tried.join(' | ')}`);
    await page.goto(`${stack.baseUrl}/models`);
    await page.waitForSelector('[data-testid=models-table]');
    await page.check(`[aria-label="compare E2E DeLong A"]`);
    await page.check(`[aria-label="compare E2E DeLong B"]`);
    await page.waitForSelector('[data-testid=delong-compare]');
    // the cohort both were validated on (the lab's CV) is preselected once both model cards have loaded
    await page.waitForFunction((id) => document.querySelector('select[name=compare-cohort]')?.value === id, trained.cohort.id, { timeout: 30_000 });
    assert.match(await page.$eval('select[name=compare-cohort] option:checked', (o) => o.textContent), /validated on both/);
    await page.click('[data-testid=run-delong]');
    await page.waitForSelector('[data-testid=delong-result]', { timeout: 60_000 });
    const p = await page.textContent('[data-testid=delong-p]');
    assert.match(p, /^p = (0\.\d+|1\.0|< 0\.001) \(z = -?\d+\.\d\d\)$/);
    const diff = await page.textContent('[data-testid=delong-diff]');
    const m = /^([+-]\d\.\d{3}) \(95% CI (-?\d\.\d{3}) to (-?\d\.\d{3})\)$/.exec(diff);
    assert.ok(m, `ΔAUC with CI: ${diff}`);
    assert.ok(Number(m[2]) <= Number(m[1]) && Number(m[1]) <= Number(m[3]), diff);
    assert.equal(await page.$$eval('[data-testid=delong-compare] [data-role=roc-line]', (l) => l.length), 2);
    // the API agrees with the page
    const api = await trpcQuery(page, 'models.compare', { modelA: trained.a, modelB: trained.b, cohortId: trained.cohort.id });
    assert.ok(p.includes(api.p < 0.001 ? '< 0.001' : api.p.toPrecision(2)), `${p} vs ${api.p}`);
    await (await page.$('[data-testid=delong-compare]')).scrollIntoViewIfNeeded();
    await shot(page, 'charts-delong');
    ctx.delongPage = page;
    assert.deepEqual(problems(page), []);
  });

  test('chart export: SVG and PNG downloads of the comparison ROC', async () => {
    const page = ctx.delongPage;
    assert.ok(page, 'the registry page of the previous test');
    const fig = await page.$('[data-testid=delong-compare] [data-testid=roc-chart]');
    const [svgDl] = await Promise.all([page.waitForEvent('download'), (await fig.$('button:text-is("SVG")')).click()]);
    assert.match(svgDl.suggestedFilename(), /\.svg$/);
    const svgText = fs.readFileSync(await svgDl.path(), 'utf8');
    assert.match(svgText, /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const parsed = await page.evaluate((t) => {
      const d = new DOMParser().parseFromString(t, 'image/svg+xml');
      return { error: d.getElementsByTagName('parsererror').length, root: d.documentElement.nodeName, paths: d.querySelectorAll('path[data-role=roc-line]').length };
    }, svgText);
    assert.deepEqual(parsed, { error: 0, root: 'svg', paths: 2 });

    const [pngDl] = await Promise.all([page.waitForEvent('download'), (await fig.$('button:text-is("PNG")')).click()]);
    assert.match(pngDl.suggestedFilename(), /\.png$/);
    const png = fs.readFileSync(await pngDl.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.ok(png.length > 10_000, `PNG size ${png.length}`);
    const img = decodePng(png);
    assert.deepEqual([img.width, img.height], [1040, 920], '2× the 520×460 viewBox');
    const stats = pixelStats(img);
    assert.ok(stats.std > 5, `the PNG is not blank: ${JSON.stringify(stats)}`);
    fs.copyFileSync(await pngDl.path(), new URL('../screenshots/charts-export-roc.png', import.meta.url));
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('worklist: "pending review" narrows the list to patients with a segmentation awaiting review', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    const all = await trpcQuery(page, 'patients.list', { page: 1, pageSize: 1 });
    const patient = await findPatientWithImaging(page);
    assert.ok(patient, 'a patient with imaging');
    const detail = await trpcQuery(page, 'patients.get', { id: patient.id });
    const seg = detail.studies.flatMap((s) => s.segmentations).find((s) => s.status !== 'SUPERSEDED');
    assert.ok(seg, 'a segmentation');
    // a new version of the mask (as an editor would save it) is a DRAFT awaiting accept/reject
    const { csrfToken } = await trpcQuery(page, 'auth.me');
    const up = await page.evaluate(
      async ({ url, id, csrf }) => {
        const bytes = await (await fetch(url)).arrayBuffer();
        const r = await fetch(`/api/files/segmentations/${id}/versions`, { method: 'POST', headers: { 'x-hepatoscope-csrf': csrf }, body: bytes });
        return { status: r.status, body: await r.json() };
      },
      { url: seg.url, id: seg.id, csrf: csrfToken },
    );
    assert.equal(up.status, 201, JSON.stringify(up));
    const pending = await trpcQuery(page, 'patients.list', { page: 1, pageSize: 200, pendingReview: true });
    assert.ok(pending.items.some((p) => p.id === patient.id), 'the patient is pending review');
    assert.ok(pending.total < all.total, `pending ${pending.total} < all ${all.total}`);

    await page.goto(`${stack.baseUrl}/worklist`);
    await page.waitForSelector('[data-testid=worklist-table] tbody tr');
    // the checkbox mirrors the URL (?review=pending), so it flips once the router has replaced the URL
    await page.click('[data-testid=filter-pending-review]');
    await page.waitForURL(/review=pending/);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=worklist-table] tbody tr').length === n && getComputedStyle(document.querySelector('[data-testid=worklist-table]')).opacity === '1',
      Math.min(pending.total, 25),
      { timeout: 30_000 },
    );
    const rows = await page.$$eval('[data-testid=worklist-table] tbody tr td:first-child', (c) => c.map((x) => x.textContent.trim()));
    assert.ok(rows.some((r) => r.startsWith(patient.pseudoId)), `${patient.pseudoId} in ${rows}`);
    await shot(page, 'charts-worklist-pending');
    await page.click('[data-testid=filter-pending-review]');
    await page.waitForFunction(() => !location.search.includes('review='));
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });
});
