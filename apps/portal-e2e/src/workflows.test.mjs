/**
 * End-to-end workflows against the real API and the built portal (see harness.mjs):
 * sign in as each role; open a case and check the viewer's canvases are not blank; run a prediction;
 * record a board decision; train a model in the lab and see its ROC. Screenshots: apps/portal-e2e/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findPatientWithImaging, login, newPage, shot, trpcQuery, viewportStats } from './harness.mjs';
import { closeStack, openStack, problems } from './suite.mjs';

let stack;
let browser;

before(async () => ({ stack, browser } = await openStack()), { timeout: 600_000 });
after(() => closeStack({ stack, browser }));

describe('portal workflows', () => {
  test('each role signs in and lands on its home page; a wrong password is refused', async () => {
    const homes = { CLINICIAN: '/worklist', TUMOR_BOARD: '/board', ADMIN: '/admin/cohorts' };
    for (const role of ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN']) {
      const page = await newPage(browser);
      await login(page, stack.baseUrl, stack.logins[role]);
      await page.waitForURL((u) => u.pathname.startsWith(homes[role]), { timeout: 30_000 });
      const nav = await page.$$eval('.hs-nav a', (as) => as.map((a) => a.textContent));
      if (role === 'ADMIN') assert.ok(nav.includes('Audit log'), `admin nav: ${nav}`);
      else assert.ok(!nav.includes('Audit log'), `${role} must not see the audit log: ${nav}`);
      if (role !== 'ADMIN') await page.waitForSelector('table, .hs-empty', { timeout: 30_000 });
      await shot(page, `login-${role.toLowerCase()}`);
      assert.deepEqual(problems(page), []);
      await page.click('text=Sign out');
      await page.waitForURL((u) => u.pathname.startsWith('/login'));
      await page.context().close();
    }
    const page = await newPage(browser);
    await page.goto(`${stack.baseUrl}/login`);
    await page.fill('input[name=email]', stack.logins.CLINICIAN);
    await page.fill('input[name=password]', 'wrong-password-123');
    await page.click('button[type=submit]');
    await page.waitForSelector('.hs-error', { timeout: 30_000 });
    assert.match(await page.textContent('.hs-error'), /\S/);
    await page.context().close();
  });

  test('worklist: search and BCLC filter narrow the list', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    await page.waitForSelector('[data-testid=worklist-table] tbody tr');
    const all = await trpcQuery(page, 'patients.list', { page: 1, pageSize: 1 });
    await page.selectOption('[data-testid=filter-bclc]', 'C');
    await page.waitForURL((u) => u.search.includes('bclc=C'));
    // the previous page stays visible (dimmed) while the filtered one loads: wait for the filtered rows
    await page
      .waitForFunction(
        () => !!document.querySelector('.hs-empty') || [...document.querySelectorAll('[data-testid=worklist-table] tbody tr td:nth-child(5)')].every((td) => td.textContent === 'C'),
        null,
        { timeout: 30_000 },
      )
      .catch(() => undefined);
    const stages = await page.$$eval('[data-testid=worklist-table] tbody tr td:nth-child(5)', (tds) => tds.map((t) => t.textContent));
    assert.ok(stages.every((s) => s === 'C'), `BCLC column after filtering: ${stages}`);
    const filtered = await trpcQuery(page, 'patients.list', { page: 1, pageSize: 1, bclc: 'C' });
    assert.ok(filtered.total <= all.total);
    await shot(page, 'worklist-bclc-c');
    await page.fill('[data-testid=worklist-search]', 'no-such-patient-zzz');
    await page.waitForSelector('.hs-empty', { timeout: 15_000 });
    await page.context().close();
  });

  test('case view: the four phases render (canvases not blank) with the lesion overlay; presets work', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    const patient = await findPatientWithImaging(page);
    assert.ok(patient, 'the demo seed has at least one patient with imaging visible to the clinician');
    await page.goto(`${stack.baseUrl}/cases/${patient.id}`);
    await page.waitForSelector('[data-testid=viewer][data-loaded=true]', { timeout: 120_000 });
    const statuses = await page.$$eval('[data-testid=viewer] .hs-viewport', (els) => els.map((e) => `${e.dataset.phase}:${e.dataset.status}`));
    assert.ok(statuses.length >= 1, 'at least one phase');
    assert.ok(statuses.every((s) => s.endsWith(':ready')), `viewport states: ${statuses}`);
    await page.waitForTimeout(500);
    const stats = await viewportStats(page);
    for (const s of stats) {
      assert.ok(s.nonDark > 0.05 && s.levels > 16, `${s.phase} viewport looks blank: ${JSON.stringify(s)}`);
    }
    assert.ok(stats.some((s) => s.colour > 0.002), `segmentation overlay visible: ${stats.map((s) => s.colour.toFixed(4))}`);
    const synthetic = await page.$('text=SYNTHETIC');
    assert.ok(synthetic, 'synthetic studies are labelled SYNTHETIC');
    await shot(page, 'case-viewer');

    // keyboard: liver window preset, scroll, overlay toggle
    await page.click('[data-testid=viewer]');
    await page.keyboard.press('l');
    assert.equal(await page.textContent('.hs-toolbar button.active'), 'Liver L');
    const before = await viewportStats(page);
    await page.keyboard.press('a');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowUp');
    await page.waitForTimeout(300);
    const afterStats = await viewportStats(page);
    assert.notDeepEqual(before.map((s) => s.mean.toFixed(2)), afterStats.map((s) => s.mean.toFixed(2)), 'window preset + scroll change the image');
    await page.keyboard.press('m'); // coronal
    await page.waitForTimeout(300);
    await shot(page, 'case-viewer-coronal');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('case view: delta between two timepoints and the structured report', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    const patient = await findPatientWithImaging(page);
    await page.goto(`${stack.baseUrl}/cases/${patient.id}`);
    await page.waitForSelector('[data-testid=case-title]');
    await page.click('.hs-tabs button:has-text("Delta")');
    await page.waitForSelector('[data-testid=delta-panel], .hs-empty');
    if (patient.studyCount >= 2) {
      await page.waitForSelector('[data-testid=delta-panel] table');
      assert.match(await page.textContent('[data-testid=delta-panel]'), /Response (CR|PR|SD|PD|NE)/);
    }
    await shot(page, 'case-delta');
    await page.click('[data-testid=report-link]');
    await page.waitForSelector('[data-testid=report]');
    assert.match(await page.textContent('[data-testid=report]'), new RegExp(patient.pseudoId));
    await shot(page, 'case-report');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('model lab: training shows the ROC curve with its CI band, and calibration', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.ADMIN);
    await page.goto(`${stack.baseUrl}/lab`);
    await page.waitForSelector('[data-testid=lab-form] select[name=cohort] option:nth-child(2)', { state: 'attached' });
    // the TCIA cohort first: its patients have imaging, so the case-view prediction below can use the model
    const cohorts = (await trpcQuery(page, 'cohorts.list')).filter((c) => c.size >= 20).sort((a, b) => Number(/tcia/i.test(b.name)) - Number(/tcia/i.test(a.name)) || b.size - a.size);
    assert.ok(cohorts.length > 0, 'a cohort with ≥ 20 patients');
    const attempts = [];
    let ok = false;
    for (const c of cohorts) {
      for (const outcome of ['rfs24', 'os24', 'osEvent', 'taceResponse']) {
        await page.selectOption('select[name=cohort]', c.id);
        await page.selectOption('select[name=outcome]', outcome);
        await page.click('[data-testid=train]');
        await page.waitForFunction(() => !document.querySelector('[data-testid=train]')?.textContent?.includes('Training'), null, { timeout: 120_000 });
        if (await page.$('[data-testid=lab-result]')) {
          ok = true;
          break;
        }
        attempts.push(`${c.name}/${outcome}: ${await page.textContent('[data-testid=lab-form] .hs-error').catch(() => '?')}`);
      }
      if (ok) break;
    }
    assert.ok(ok, `training failed for every cohort/outcome tried: ${attempts.join(' | ')}`);
    const d = await page.getAttribute('[data-testid=lab-result] [data-role=roc-line]', 'd');
    assert.ok(d && d.split('L').length > 3, `ROC path has points: ${d}`);
    assert.ok(await page.$('[data-testid=lab-result] [data-role=roc-band]'), 'CI band drawn');
    assert.ok(await page.$('[data-testid=lab-result] [data-testid=calibration-chart]'));
    const auc = await page.textContent('[data-testid=metric-auc]');
    assert.match(auc, /^0\.\d{3} \(95% CI 0\.\d{3}–[01]\.\d{3}/);
    await shot(page, 'lab-roc');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('model registry: an admin promotes the lab model to VALIDATED', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.ADMIN);
    const models = await trpcQuery(page, 'models.list');
    const draft = models.filter((m) => m.status === 'DRAFT' && m.origin === 'TRAINED').sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    assert.ok(draft, `a DRAFT model trained in the lab: ${models.map((m) => `${m.name}:${m.status}:${m.origin}`)}`);
    await page.goto(`${stack.baseUrl}/models?id=${draft.id}`);
    await page.waitForSelector('[data-testid=model-card-detail]');
    await page.fill('[data-testid=model-card-detail] input', 'e2e: internal CV acceptable for the demo');
    await page.click('[data-testid=promote]');
    await page.waitForFunction(() => document.querySelector('[data-testid=model-card-detail] .hs-badge')?.textContent === 'VALIDATED', null, { timeout: 30_000 });
    await shot(page, 'model-card');
    const after = await trpcQuery(page, 'models.get', { id: draft.id });
    assert.equal(after.status, 'VALIDATED');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('predictions: a clinician runs a validated model and sees probability, CI and nomogram', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    const models = await trpcQuery(page, 'models.list');
    assert.ok(models.some((m) => m.status === 'VALIDATED'), `a validated model (promoted above): ${models.map((m) => `${m.name}:${m.status}`)}`);
    // a patient with imaging and clinical values (the synthetic radiomics cohort has imaging but no clinical data)
    const patient =
      (await findPatientWithImaging(page, (x) => x.age != null)) ?? (await trpcQuery(page, 'patients.list', { page: 1, pageSize: 1 })).items[0];
    await page.goto(`${stack.baseUrl}/cases/${patient.id}`);
    await page.waitForSelector('[data-testid=predictions-panel]', { timeout: 60_000 });
    // probability (logistic) models first: the test wants a probability with its nomogram when the seed has one
    const all = await page.$$('[data-testid=model-card]');
    const kinds = await Promise.all(all.map((c) => c.getAttribute('data-kind')));
    const cards = all.map((c, i) => [c, /logistic/.test(kinds[i] ?? '') ? 0 : 1]).sort((a, b) => a[1] - b[1]).map((x) => x[0]);
    assert.ok(cards.length > 0);
    // run models until one scores this patient (a model may need predictors this patient lacks)
    let shown = null;
    const errors = [];
    for (const card of cards) {
      await (await card.$('[data-testid=run-prediction]')).click();
      await page.waitForFunction((c) => !c.querySelector('[data-testid=run-prediction]')?.textContent?.includes('Running'), card, { timeout: 60_000 });
      const prob = (await card.$('[data-testid=prediction-probability]')) ?? null;
      const score = await card.$('[data-testid=prediction-score]');
      const km = await card.$('[data-testid=km-chart]');
      if (prob || km || score) {
        shown = { prob: prob ? await prob.textContent() : null, nomogram: !!(await card.$('[data-testid=nomogram]')), km: !!km, score: !!score };
        break;
      }
      errors.push(await card.textContent());
    }
    assert.ok(shown, `no model could score the patient: ${errors.join(' | ')}`);
    if (shown.prob) {
      const v = Number.parseFloat(shown.prob);
      assert.ok(v >= 0 && v <= 100, `probability ${shown.prob}`);
      assert.ok(shown.nomogram, 'the nomogram is drawn');
    }
    await shot(page, 'case-prediction');
    await page.context().close();
  });

  test('tumour board: a board member records and signs off a decision', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.TUMOR_BOARD);
    const meetings = await trpcQuery(page, 'boards.meetings');
    const withCases = meetings.filter((m) => m.caseCount > (m.decidedCount ?? 0));
    assert.ok(withCases.length > 0, `a meeting with undecided cases: ${JSON.stringify(meetings)}`);
    const meeting = await trpcQuery(page, 'boards.meeting', { id: withCases[0].id });
    const idx = meeting.agenda.findIndex((a) => !a.signedOffAt);
    await page.goto(`${stack.baseUrl}/board/${meeting.id}`);
    await page.waitForSelector('[data-testid=agenda-table]');
    await shot(page, 'board-agenda');
    await page.click(`[data-testid=agenda-table] tr:nth-child(${idx + 1})`);
    const form = '[data-testid=decision-form]';
    await page.waitForSelector(form);
    // validation before sending: empty decision
    await page.fill(`${form} input[name=decision]`, '');
    await page.click('[data-testid=save-decision]');
    await page.waitForSelector(`${form} .hs-error`);
    await page.fill(`${form} input[name=decision]`, 'TACE');
    await page.fill(`${form} textarea[name=recommendation]`, 'Two sessions of cTACE, response CT at 6 weeks (e2e).');
    await page.fill(`${form} textarea[name=attendees]`, 'Dr Hepatologist\nDr Radiologist\nDr Surgeon');
    await page.check(`${form} input[name=signOff]`);
    await page.click('[data-testid=save-decision]');
    // With sign-off, the refetch after saving swaps the form for the read-only record, which can happen
    // before the transient "saved" line is ever polled: either one shows the save went through.
    await page.waitForSelector('[data-testid=decision-saved], [data-testid=decision-readonly]', { timeout: 30_000 });
    const after = await trpcQuery(page, 'boards.meeting', { id: meeting.id });
    const item = after.agenda[idx];
    assert.equal(item.decision, 'TACE');
    assert.ok(item.signedOffAt, 'signed off');
    assert.deepEqual(item.attendees, ['Dr Hepatologist', 'Dr Radiologist', 'Dr Surgeon']);
    await page.waitForSelector('[data-testid=decision-readonly]', { timeout: 30_000 });
    await shot(page, 'board-decision');

    // presentation mode
    await page.click('[data-testid=present]');
    await page.waitForSelector('[data-testid=presentation]');
    await page.waitForSelector('[data-testid=presentation] [data-testid=viewer], [data-testid=presentation] .hs-empty', { timeout: 60_000 });
    await page.waitForTimeout(1500);
    await shot(page, 'board-presentation');
    await page.keyboard.press('Escape');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('admin pages: audit log, users, models load', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.ADMIN);
    for (const [p, sel] of [['/admin/audit', '[data-testid=audit-table]'], ['/admin/users', '[data-testid=users-table]'], ['/models', '[data-testid=models-table]'], ['/admin/cohorts', '[data-testid=cohorts-table]']]) {
      await page.goto(`${stack.baseUrl}${p}`);
      await page.waitForSelector(sel, { timeout: 30_000 });
      await shot(page, `admin${p.replace(/\//g, '-')}`);
    }
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });
});
