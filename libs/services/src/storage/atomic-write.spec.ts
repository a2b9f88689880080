/** The atomic-write helper on a normal directory: rename-into-place, rollback on a failed commit, errno mapping. */
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeDir } from '@hepatoscope/testing';
import { isDomainError } from '../errors';
import { StorageBatch, toStorageError, withStoredFiles, writeFileAtomic } from './atomic-write';

let dir: string;
beforeEach(() => (dir = makeTempDir('atomic-write')));
afterEach(() => removeDir(dir));

test('writeFileAtomic replaces the file in one step and leaves no temporary file', async () => {
  const f = path.join(dir, 'a.bin');
  await writeFileAtomic(f, new Uint8Array([1, 2, 3]));
  await writeFileAtomic(f, new Uint8Array([4, 5]));
  expect([...fs.readFileSync(f)]).toEqual([4, 5]);
  expect(fs.readdirSync(dir)).toEqual(['a.bin']);
});

test('a failed commit removes every file of the batch; the error is rethrown unchanged', async () => {
  const boom = new Error('transaction failed');
  await expect(
    withStoredFiles(
      dir,
      async (b) => {
        await b.write('series/x.nii.gz', new Uint8Array(10));
        await b.write('segmentations/y.nii.gz', new Uint8Array(10));
      },
      async () => {
        expect(fs.readdirSync(path.join(dir, 'series'))).toEqual(['x.nii.gz']);
        throw boom;
      },
    ),
  ).rejects.toBe(boom);
  expect(fs.readdirSync(path.join(dir, 'series'))).toEqual([]);
  expect(fs.readdirSync(path.join(dir, 'segmentations'))).toEqual([]);
});

test('a write that fails (a file in the way of the folder) rolls back the earlier files of the batch', async () => {
  fs.writeFileSync(path.join(dir, 'segmentations'), 'not a folder');
  const b = new StorageBatch(dir);
  await b.write('series/x.nii.gz', new Uint8Array(10));
  await expect(b.write('segmentations/y.nii.gz', new Uint8Array(10))).rejects.toMatchObject({ code: 'EEXIST' });
  expect(fs.readdirSync(path.join(dir, 'series'))).toEqual([]);
  await expect(b.write('../escape', new Uint8Array(1))).rejects.toThrow(/escapes the data directory/);
});

test('storage errnos become STORAGE_UNAVAILABLE naming the relative folder; other errors pass through', () => {
  for (const code of ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES']) {
    const e = toStorageError(Object.assign(new Error(`${code}: /secret/abs/path`), { code }), 'series');
    expect(isDomainError(e) && e.code).toBe('UNAVAILABLE');
    expect((e as Error).message).toMatch(new RegExp(`^Storage unavailable: cannot write to series/ .*${code}`));
    expect((e as Error).message).not.toContain('/secret');
  }
  const other = Object.assign(new Error('x'), { code: 'EIO' });
  expect(toStorageError(other, 'series')).toBe(other);
});
