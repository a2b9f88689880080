import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Process lifetime with sessions in worker threads, in a real Node process (a test runner keeps its own process
 * alive, so this cannot be seen in-process): while a batch is in flight the worker keeps the process alive (the
 * result arrives and is printed), and an idle, never-released cascade does not keep it open (the process exits by
 * itself). The second half once failed: a 'message' listener re-referenced the worker, and `hepatoscope infer`
 * under Jest never exited.
 */
test('an in-flight run keeps the process alive; an idle unreleased session does not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hs-session-thread-'));
  try {
    const script = join(dir, 'run.ts');
    writeFileSync(
      script,
      [
        `import { SegmentationCascade } from ${JSON.stringify(join(__dirname, 'cascade'))};`,
        `import { DEFAULT_CASCADE_DIR } from ${JSON.stringify(join(__dirname, 'manifest'))};`,
        `import { simplePhantom } from ${JSON.stringify(join(__dirname, 'testing/simple-phantom'))};`,
        `(async () => {`,
        `  const c = await SegmentationCascade.load(DEFAULT_CASCADE_DIR, { providers: ['cpu'] });`,
        `  if (!c.liver.inThread) throw new Error('expected the session in a worker thread');`,
        `  const ph = simplePhantom(7, 64, 10);`,
        `  const r = await c.segment({ data: ph.data, dims: ph.dims, spacing: ph.spacing }, { batchSize: 2 });`,
        `  console.log('segmented ' + r.labels.length);`,
        `})();`,
      ].join('\n'),
    );
    const tsx = require.resolve('tsx');
    const r = spawnSync(process.execPath, ['--import', tsx, script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HEPATOSCOPE_ORT_THREAD: '1' } });
    expect(r.error).toBeUndefined(); // ETIMEDOUT here = the idle session kept the process alive
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^segmented \d+/); // missing = the process exited while a batch was in flight
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 150_000);
