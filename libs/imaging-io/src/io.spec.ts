import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readDicomSeg, readVolume, writeDicomSeg, writeDicomSeries, writeVolume } from './io';
import { LITS_SEGMENTS } from './seg';
import { ctVolume } from './test-helpers';
import { volumeLike } from './volume';

describe('readVolume / writeVolume', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hs-io-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['a.nii', 'b.nii.gz', 'c.nrrd', 'sub/dir/d.nii.gz'])('round-trips %s', async (name) => {
    const vol = ctVolume();
    vol.metadata.synthetic = true;
    const p = path.join(dir, name);
    await writeVolume(p, vol);
    const back = await readVolume(p);
    expect(Array.from(back.data)).toEqual(Array.from(vol.data));
    expect(back.metadata).toMatchObject({ synthetic: true, sourcePath: p });
  });

  it('reads a DICOM directory and a single .dcm, applies the phase override', async () => {
    const vol = ctVolume([4, 4, 3]);
    const ser = await writeDicomSeries(path.join(dir, 'dcm'), vol, { seriesDescription: 'arterial' });
    const v = await readVolume(path.join(dir, 'dcm'));
    expect(v.dims).toEqual([4, 4, 3]);
    expect(v.metadata.phase).toBe('ARTERIAL');
    const o = await readVolume(path.join(dir, 'dcm'), { phase: 'DELAYED' });
    expect(o.metadata).toMatchObject({ phase: 'DELAYED', phaseSource: 'override' });
    const one = await readVolume(ser.paths[1]);
    expect(one.dims).toEqual([4, 4, 1]);
  });

  it('writes and reads a SEG next to its series', async () => {
    const vol = ctVolume([4, 4, 3]);
    const ser = await writeDicomSeries(path.join(dir, 'dcm2'), vol);
    const lab = volumeLike(vol, new Uint8Array(48).map((_, i) => (i % 5 === 0 ? 1 : i % 7 === 0 ? 2 : 0)));
    await writeDicomSeg(path.join(dir, 'seg', 'seg.dcm'), lab, LITS_SEGMENTS, ser.paths);
    const back = await readDicomSeg(path.join(dir, 'seg', 'seg.dcm'), await readVolume(path.join(dir, 'dcm2')));
    expect(Array.from(back.labelmap.data)).toEqual(Array.from(lab.data));
  });

  it('names the path in errors', async () => {
    await expect(readVolume(path.join(dir, 'missing.nii'))).rejects.toThrow(/missing\.nii does not exist/);
    writeFileSync(path.join(dir, 'x.png'), 'x');
    await expect(readVolume(path.join(dir, 'x.png'))).rejects.toThrow(/x\.png has an unknown extension/);
    writeFileSync(path.join(dir, 'bad.nii.gz'), Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await expect(readVolume(path.join(dir, 'bad.nii.gz'))).rejects.toThrow(/bad\.nii\.gz has corrupt or truncated gzip/);
    await expect(writeVolume(path.join(dir, 'x.mha'), ctVolume())).rejects.toThrow(/x\.mha has an unsupported extension/);
    mkdirSync(path.join(dir, 'empty', 'sub'), { recursive: true });
    await expect(readVolume(path.join(dir, 'empty'))).rejects.toThrow(/empty contains no files/);
  });
});
