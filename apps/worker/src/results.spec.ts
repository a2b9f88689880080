import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultStore } from './results';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hs-results-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

test('a result is committed once; a second commit returns the first', () => {
  const s = new ResultStore(root);
  expect(s.get('job-1')).toBeNull();
  const a = s.commit('job-1', { 'a.txt': new TextEncoder().encode('first') }, (dir) => ({
    path: join(dir, 'a.txt'),
    n: 1,
  }));
  expect(a.reused).toBe(false);
  const b = s.commit('job-1', { 'a.txt': new TextEncoder().encode('second') }, () => ({ path: 'x', n: 2 }));
  expect(b).toEqual({ result: { path: join(root, 'job-1', 'a.txt'), n: 1 }, reused: true });
  expect(readFileSync(join(root, 'job-1', 'a.txt'), 'utf8')).toBe('first');
  expect(readdirSync(root)).toEqual(['job-1']);
});

test('a failure while writing leaves nothing behind', () => {
  const s = new ResultStore(root);
  expect(() =>
    s.commit('job-2', { 'ok.bin': new Uint8Array(3) }, () => {
      throw new Error('summary failed');
    }),
  ).toThrow('summary failed');
  expect(existsSync(join(root, 'job-2'))).toBe(false);
  expect(readdirSync(root)).toEqual([]);
});

test('unsafe job ids and file names are refused', () => {
  const s = new ResultStore(root);
  expect(() => s.dirOf('../etc')).toThrow(/not a safe directory name/);
  expect(() => s.dirOf('.staging-x')).toThrow(/not a safe directory name/);
  expect(() => s.commit('job-3', { '../x': new Uint8Array(1) }, () => ({}))).toThrow(/bad file name/);
  expect(() => s.commit('job-3', { 'result.json': new Uint8Array(1) }, () => ({}))).toThrow(/bad file name/);
});

test('stale staging directories (an attempt killed mid-commit) are swept; young ones and results are kept', () => {
  const s = new ResultStore(root);
  s.commit('job-ok', { 'a.txt': new TextEncoder().encode('x') }, () => ({}));
  const old = join(root, '.staging-job-1-dead');
  const young = join(root, '.staging-job-2-live');
  mkdirSync(old);
  mkdirSync(young);
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  utimesSync(old, twoHoursAgo, twoHoursAgo);
  expect(s.sweepStaging(3600_000)).toEqual(['.staging-job-1-dead']);
  expect(readdirSync(root).sort()).toEqual(['.staging-job-2-live', 'job-ok']);
  expect(new ResultStore(join(root, 'missing')).sweepStaging(0)).toEqual([]);
});

test('write errors name the path and keep the errno code', () => {
  const s = new ResultStore(join(root, 'a-file', 'jobs'));
  writeFileSync(join(root, 'a-file'), 'x');
  let err: NodeJS.ErrnoException | undefined;
  try {
    s.commit('job-1', {}, () => ({}));
  } catch (e) {
    err = e as NodeJS.ErrnoException;
  }
  expect(err?.message).toContain(`job results: cannot create the results directory ${join(root, 'a-file', 'jobs')}`);
  expect(err?.code).toBe('ENOTDIR');
});
