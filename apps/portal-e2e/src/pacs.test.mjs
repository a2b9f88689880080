/**
 * End-to-end: PACS over DICOMweb in the portal, against a private Orthanc (`startOrthanc()` from @hepatoscope/testing,
 * Debian `orthanc` + `orthanc-dicomweb`; loaded through tsx) holding a synthetic two-phase phantom study, the real API
 * and the built portal (see harness.mjs). The admin saves the PACS settings (basic auth; the password is never shown
 * back) and tests the connection; a clinician searches (form validation first), imports the study (new patient matched
 * by DICOM PatientID) and opens the case, whose viewer shows the imported series. Screenshots:
 * apps/portal-e2e/screenshots/pacs-*.png. Skipped (saying why) only when Orthanc is missing and not in CI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { require as tsxRequire } from 'tsx/cjs/api';
import { launchBrowser, login, newPage, shot, startStack, trpcQuery, viewportStats } from './harness.mjs';

const testing = tsxRequire('@hepatoscope/testing', import.meta.url);
const available = !!testing.findOrthanc() && !!testing.findOrthancDicomWebPlugin();
if (!available && process.env.CI) throw new Error('CI must run the PACS e2e test: apt-get install orthanc orthanc-dicomweb');
if (!available) console.warn('SKIPPED pacs.test.mjs: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');

const PATIENT_ID = 'E2E-PACS-0001';
let stack;
let browser;
let orthanc;
let studyUid = '';
let seriesUids = [];

/** Uploads a synthetic phantom (portal-venous + arterial CT series of one study) to Orthanc's REST API. */
async function uploadPhantomStudy() {
  const { encodeDicomSeries } = tsxRequire('@hepatoscope/imaging-io', import.meta.url);
  const { generatePhantom } = tsxRequire('@hepatoscope/phantoms', import.meta.url);
  const ph = generatePhantom({ seed: 5, dims: [64, 56, 12], spacing: [1.6, 1.6, 4], lesions: 1 }).timepoints[0];
  const pv = encodeDicomSeries(ph.phases.PORTAL_VENOUS, { patientId: PATIENT_ID, patientName: 'SYNTHETIC^E2E', seriesDescription: 'PORTAL VENOUS', seriesNumber: 2 });
  const art = encodeDicomSeries(ph.phases.ARTERIAL, {
    patientId: PATIENT_ID,
    patientName: 'SYNTHETIC^E2E',
    seriesDescription: 'ARTERIAL',
    seriesNumber: 1,
    studyInstanceUid: pv.studyInstanceUid,
    frameOfReferenceUid: pv.frameOfReferenceUid,
  });
  for (const f of [...pv.files, ...art.files]) await orthanc.rest('/instances', { method: 'POST', body: f, headers: { 'content-type': 'application/dicom' } });
  studyUid = pv.studyInstanceUid;
  seriesUids = [pv.seriesInstanceUid, art.seriesInstanceUid];
}

before(async () => {
  if (!available) return;
  orthanc = await testing.startOrthanc();
  await uploadPhantomStudy();
  stack = await startStack();
  browser = await launchBrowser();
}, { timeout: 900_000 });

after(async () => {
  await browser?.close();
  await stack?.stop();
  await orthanc?.stop();
});

/** The page's problems (console errors, page errors, 5xx answers), less renderer noise. */
function problems(page) {
  return page.problems.filter((p) => !/GPU stall due to ReadPixels|favicon|Fetch aborted/i.test(p));
}

describe('PACS (DICOMweb) in the portal', { skip: !available && 'Orthanc is not installed' }, () => {
  test('admin: PACS settings — validation, save (secret never shown back), connection test', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.ADMIN);
    // the one navigation link leads administrators to the settings
    await page.click('nav.hs-nav >> text=PACS');
    await page.waitForURL(/\/admin\/pacs$/, { timeout: 30_000 });
    await page.waitForSelector('[data-testid=pacs-settings-form]');
    assert.match(await page.textContent('[data-testid=pacs-status]'), /not configured/);

    // validated before sending: a bad URL, then basic auth without a password
    await page.fill('input[name=url]', 'pacs.example.org/dicom-web');
    await page.click('button:has-text("Save settings")');
    assert.match(await page.textContent('[role=alert]'), /Enter the DICOMweb URL/);
    await page.fill('input[name=url]', orthanc.dicomWebUrl);
    await page.selectOption('select[name=authType]', 'basic');
    await page.fill('input[name=username]', orthanc.credentials.username);
    await page.click('button:has-text("Save settings")');
    assert.match(await page.textContent('[role=alert]'), /Enter the password/);

    await page.fill('input[name=secret]', orthanc.credentials.password);
    await page.click('button:has-text("Save settings")');
    await page.waitForSelector('[data-testid=pacs-saved]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=pacs-active-url]', { timeout: 30_000 });
    assert.equal(await page.textContent('[data-testid=pacs-active-url]'), orthanc.dicomWebUrl);
    assert.equal(await page.inputValue('input[name=secret]'), '', 'the password field is emptied after saving');
    assert.ok(!(await page.content()).includes(orthanc.credentials.password), 'the password appears nowhere in the page');
    const view = await trpcQuery(page, 'pacs.settings');
    assert.deepEqual({ source: view.source, authType: view.authType, username: view.username, hasSecret: view.hasSecret }, { source: 'settings', authType: 'basic', username: orthanc.credentials.username, hasSecret: true });
    assert.ok(!JSON.stringify(view).includes(orthanc.credentials.password));

    await page.click('button:has-text("Test connection")');
    await page.waitForSelector('[data-testid=pacs-test-result]', { timeout: 60_000 });
    assert.match(await page.textContent('[data-testid=pacs-test-result]'), /connected .*answered in \d+ ms/);
    await shot(page, 'pacs-admin-settings');
    assert.deepEqual(problems(page), []);
    await page.context().close();
  });

  test('clinician: search the PACS, import the study, open the case with the imported series', async () => {
    const page = await newPage(browser);
    await login(page, stack.baseUrl, stack.logins.CLINICIAN);
    await page.click('nav.hs-nav >> text=PACS');
    await page.waitForURL(/\/pacs$/, { timeout: 30_000 });
    await page.waitForSelector('[data-testid=pacs-search-form]');
    assert.match(await page.textContent('[data-testid=pacs-results]'), /Search the PACS/);
    await shot(page, 'pacs-search-empty');

    // the form is checked before anything is sent
    await page.fill('input[name=dateFrom]', '2030-01-02');
    await page.fill('input[name=dateTo]', '2030-01-01');
    await page.click('button:has-text("Search PACS")');
    assert.match(await page.textContent('[role=alert]'), /"from" date is after the "to" date/);
    await page.fill('input[name=dateFrom]', '');
    await page.fill('input[name=dateTo]', '');

    // nothing matches
    await page.fill('input[name=patientId]', 'NO-SUCH-PATIENT');
    await page.click('button:has-text("Search PACS")');
    await page.waitForSelector('[data-testid=pacs-results] >> text=No studies match', { timeout: 60_000 });

    await page.fill('input[name=patientId]', PATIENT_ID);
    await page.click('button:has-text("Search PACS")');
    const row = `[data-testid=pacs-studies] tr[data-study-uid="${studyUid}"]`;
    await page.waitForSelector(row, { timeout: 60_000 });
    assert.equal(await page.$$eval('[data-testid=pacs-studies] tbody tr', (r) => r.length), 1);
    assert.match(await page.textContent(row), /not imported/);
    assert.match(await page.textContent(row), /SYNTHETIC E2E/);
    await shot(page, 'pacs-search-results');

    await page.click(`${row} [data-testid=pacs-import-open]`);
    await page.waitForSelector('[data-testid=pacs-import]');
    await page.selectOption('select[name=timepoint]', 'BASELINE');
    await page.click('[data-testid=pacs-import-run]');
    await page.waitForSelector('[data-testid=pacs-import-result]', { timeout: 180_000 });
    assert.match(await page.textContent('[data-testid=pacs-import-result]'), /2 series imported, 0 skipped, 0 failed · new patient created/);
    // the search row now says imported, with a link to the case
    await page.waitForSelector(`${row} >> text=open case`, { timeout: 30_000 });
    await shot(page, 'pacs-import-result');

    await page.click('[data-testid=pacs-open-case]');
    await page.waitForURL(/\/cases\/[^/]+$/, { timeout: 30_000 });
    const patientId = page.url().split('/').pop();
    const detail = await trpcQuery(page, 'patients.get', { id: patientId });
    assert.equal(detail.pseudoId, PATIENT_ID);
    const study = detail.studies.find((s) => s.series.length === 2);
    assert.ok(study, `the imported study with two series: ${JSON.stringify(detail.studies.map((s) => s.series.length))}`);
    assert.deepEqual(study.series.map((s) => s.phase).sort(), ['ARTERIAL', 'PORTAL_VENOUS']);
    assert.deepEqual(study.series.map((s) => s.dims), [[64, 56, 12], [64, 56, 12]]);
    await page.waitForSelector('[data-testid=viewer][data-loaded=true]', { timeout: 120_000 });
    const phases = await page.$$eval('[data-testid=viewer] .hs-viewport', (els) => els.map((e) => `${e.dataset.phase}:${e.dataset.status}`));
    assert.ok(phases.includes('ARTERIAL:ready') && phases.includes('PORTAL_VENOUS:ready'), `viewer shows both imported phases: ${phases}`);
    await page.waitForTimeout(500);
    // each viewport shows an image (element screenshots: bright pixels, many grey levels), before and after the
    // full-page screenshot
    const before = await viewportStats(page);
    await shot(page, 'pacs-imported-case');
    for (const s of [...before, ...(await viewportStats(page))]) {
      assert.ok(s.nonDark > 0.05 && s.levels > 16, `${s.phase} viewport looks blank: ${JSON.stringify(s)}`);
    }
    assert.deepEqual(problems(page), []);
    assert.equal(seriesUids.length, 2);
    await page.context().close();
  });
});
