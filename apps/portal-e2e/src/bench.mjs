/**
 * Bench: time from opening a case (navigation start) to the first rendered image of a 512×512×100 series.
 *
 * Runs the real stack (API + built portal), signs in as the clinician and opens a case with imaging. The series and
 * segmentation downloads of that case are answered with a synthetic 512×512×100 int16 CT phantom per phase
 * (gzip NIfTI, generated here) and a matching lesion mask, so the figure is for that size whatever the demo seed
 * generates. Everything else (login, patients.get, the viewer code) is real. Prints per-run figures and the median.
 *
 * Env: BENCH_RUNS (default 5); BENCH_PROFILE=1 also samples the page's main thread (CDP Profiler) from the start of
 * each run to its first image and prints where that time went (self time by function and script, idle included).
 */
import os from 'node:os';
import { findPatientWithImaging, launchBrowser, login, newPage, startStack, viewportStats } from './harness.mjs';
import { phantomCt, phantomLesionMask } from './nifti.mjs';

const DIMS = [512, 512, 100];
const SPACING = [0.75, 0.75, 2.5];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/**
 * Where the time went in one run (ms after `start`): navigation (document, scripts), the tRPC case query, the
 * series downloads (first phase, all phases, bytes on the wire) and the viewer's own marks (`window.__hsTimings`:
 * mount, cornerstone init, inflate, volume, first render …). Resource timings come from the page's performance
 * entries; a value the page did not record is left out.
 */
async function breakdown(page, start) {
  return page.evaluate((start) => {
    const out = {};
    const rel = (t) => Math.round(t - start);
    const nav = performance.getEntriesByType('navigation')[0];
    if (nav && !start) {
      out['html'] = rel(nav.responseEnd);
      out['domContentLoaded'] = rel(nav.domContentLoadedEventEnd);
    }
    const res = performance.getEntriesByType('resource').filter((r) => r.startTime >= start);
    const js = res.filter((r) => /\.js(\?|$)/.test(r.name));
    if (js.length) out['js loaded'] = rel(Math.max(...js.map((r) => r.responseEnd)));
    const q = res.filter((r) => r.name.includes('patients.get'));
    if (q.length) {
      out['case query sent'] = rel(q[0].startTime);
      out['case query done'] = rel(q[0].responseEnd);
    }
    const files = res.filter((r) => r.name.includes('/api/files/series/'));
    if (files.length) {
      out['series fetch sent'] = rel(Math.min(...files.map((r) => r.startTime)));
      out['series first done'] = rel(Math.min(...files.map((r) => r.responseEnd)));
      out['series all done'] = rel(Math.max(...files.map((r) => r.responseEnd)));
      out['series requests'] = files.length;
      out['series MB'] = Math.round(files.reduce((a, r) => a + (r.encodedBodySize || r.transferSize || 0), 0) / 1e5) / 10;
    }
    for (const [label, at] of window.__hsTimings ?? []) if (at >= start && !(label in out)) out[label] = rel(at);
    return out;
  }, start);
}

/**
 * Main-thread time of a CDP CPU profile by function (self time, ms): `(idle)` is the thread waiting, `(program)`
 * native work outside JS (layout, paint, parsing, inflating), `(garbage collector)` GC; the rest `name script:line`.
 */
function profileSelfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const cf = byId.get(id).callFrame;
    const key = cf.url ? `${cf.functionName || '(anonymous)'} ${cf.url.split('/').pop()}:${cf.lineNumber + 1}` : cf.functionName;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const t0 = Date.now();
const phases = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'];
const ct = Object.fromEntries(phases.map((p) => [p, phantomCt(DIMS, SPACING, p)]));
const mask = phantomLesionMask(DIMS, SPACING);
console.log(`phantom: ${DIMS.join('×')} int16, ${(ct.PORTAL_VENOUS.length / 1048576).toFixed(1)} MB gzipped per phase (${((DIMS[0] * DIMS[1] * DIMS[2] * 2) / 1048576).toFixed(0)} MB raw); generated in ${Date.now() - t0} ms`);

console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (${os.cpus().length} cores)`);
const stack = await startStack();
const browser = await launchBrowser();
try {
  const page0 = await newPage(browser);
  await login(page0, stack.baseUrl, stack.logins.CLINICIAN);
  // a demo case with the four phases (the synthetic radiomics cohort has one phase and no clinical data)
  const patient = await findPatientWithImaging(page0, (x) => x.age != null);
  if (!patient) throw new Error('bench: no patient with imaging in the demo seed');
  const detail = await page0.evaluate(async (id) => {
    const r = await fetch(`/api/trpc/patients.get?input=${encodeURIComponent(JSON.stringify({ id }))}`);
    return (await r.json()).result.data;
  }, patient.id);
  const seriesPhase = new Map(detail.studies.flatMap((s) => s.series.map((se) => [se.id, se.phase])));
  const realDims = detail.studies.flatMap((s) => s.series.map((se) => `${se.phase} ${se.dims?.join('×')}`));
  await page0.context().close();

  const results = [];
  // cold: the case URL opened directly (page load, JS, session, patient, viewer code, volumes);
  // warm: the case opened from the worklist by a click (SPA navigation; the viewer code was preloaded there)
  for (const mode of ['cold-512', 'warm-512', 'cold-seeded']) {
    const firsts = [];
    const alls = [];
    const parts = [];
    const volumes = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await newPage(browser);
      await login(page, stack.baseUrl, stack.logins.CLINICIAN);
      if (mode.endsWith('512')) {
        await page.route('**/api/files/series/*', (route) => {
          const id = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop());
          const body = ct[seriesPhase.get(id)] ?? ct.PORTAL_VENOUS;
          return route.fulfill({ status: 200, contentType: 'application/gzip', body });
        });
        await page.route('**/api/files/segmentations/*', (route) => route.fulfill({ status: 200, contentType: 'application/gzip', body: mask }));
      }
      let cdp = null;
      if (process.env.BENCH_PROFILE === '1') {
        cdp = await page.context().newCDPSession(page);
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      }
      let start = 0;
      if (mode.startsWith('warm')) {
        await page.goto(`${stack.baseUrl}/worklist?q=${encodeURIComponent(patient.pseudoId)}`);
        await page.waitForSelector(`[data-testid=worklist-table] a[href="/cases/${patient.id}"]`);
        await page.waitForTimeout(3000); // the worklist preloads the viewer code after 0.8 s
        await cdp?.send('Profiler.start');
        start = await page.evaluate(() => performance.now());
        await page.click(`[data-testid=worklist-table] a[href="/cases/${patient.id}"]`);
      } else {
        await cdp?.send('Profiler.start');
        await page.goto(`${stack.baseUrl}/cases/${patient.id}`);
      }
      await page.waitForFunction(() => typeof window.__hsFirstRenderAt === 'number', null, { timeout: 120_000 });
      const profile = cdp ? (await cdp.send('Profiler.stop')).profile : null;
      const first = (await page.evaluate(() => window.__hsFirstRenderAt)) - start;
      const bd = await breakdown(page, start);
      await page.waitForSelector('[data-testid=viewer][data-loaded=true]', { timeout: 180_000 });
      const all = (await page.evaluate(() => window.__hsAllRenderedAt)) - start;
      // the first phase rendered by cornerstone (interactive); the first image may be the middle-slice preview before it
      const firstVolume = (await page.evaluate(() => window.__hsFirstVolumeAt ?? window.__hsFirstRenderAt)) - start;
      const stats = await viewportStats(page);
      const blank = stats.filter((s) => !(s.nonDark > 0.05 && s.levels > 16));
      if (blank.length) throw new Error(`bench: blank viewport(s) ${JSON.stringify(blank)}`);
      firsts.push(first);
      alls.push(all);
      volumes.push(firstVolume);
      parts.push(bd);
      console.log(`${mode} run ${run + 1}: first image ${first.toFixed(0)} ms after ${start ? 'the click' : 'navigation start'}; all ${stats.length} phases ${all.toFixed(0)} ms; first volume (interactive) ${firstVolume.toFixed(0)} ms`);
      console.log(`  ${Object.entries(bd).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
      if (profile) {
        // (sampled until the bench saw the first image: a little past it)
        const top = profileSelfTimes(profile);
        const total = top.reduce((a, [, ms]) => a + ms, 0);
        const idle = top.find(([k]) => k === '(idle)')?.[1] ?? 0;
        console.log(`  main thread until the first image: ${total.toFixed(0)} ms sampled, ${(total - idle).toFixed(0)} busy; top self times: ${top.filter(([k]) => k !== '(idle)').slice(0, 10).map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(' · ')}`);
      }
      await page.context().close();
    }
    const keys = [...new Set(parts.flatMap((p) => Object.keys(p)))];
    const bdMedian = Object.fromEntries(keys.map((k) => [k, median(parts.map((p) => p[k]).filter((v) => v !== undefined))]));
    results.push({ mode, first: median(firsts), all: median(alls), min: Math.min(...firsts), max: Math.max(...firsts), volume: median(volumes), bd: bdMedian });
  }
  console.log('');
  console.log(`case ${patient.pseudoId}; seeded series: ${realDims.join(', ')}`);
  console.log('cold = case URL opened directly (incl. page load); warm = opened from the worklist (SPA navigation)');
  for (const r of results) {
    console.log(
      `${r.mode.padEnd(14)} open case → first rendered image: median ${r.first.toFixed(0)} ms (min ${r.min.toFixed(0)}, max ${r.max.toFixed(0)}, ${RUNS} runs); → first volume (interactive): median ${r.volume.toFixed(0)} ms; → all phases: median ${r.all.toFixed(0)} ms`,
    );
    console.log(`${''.padEnd(14)} breakdown (median ms): ${Object.entries(r.bd).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
  }
  console.log(`(target for 512×512×100: < 1500 ms; headless chromium, SwiftShader WebGL, ${os.cpus().length} CPU cores, load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')})`);
} finally {
  await browser.close();
  await stack.stop();
}
