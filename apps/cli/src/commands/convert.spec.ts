import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVolume, readDicomSeg, readVolume, writeVolume } from '@hepatoscope/imaging-io';
import convert from './convert';

let dir: string;
const vol = createVolume({
  data: Int16Array.from({ length: 6 * 5 * 4 }, (_, i) => (i * 13) % 400 - 100),
  dims: [6, 5, 4],
  spacing: [0.8, 0.9, 2.5],
  origin: [-10, 5, 20],
  metadata: { modality: 'CT', synthetic: true },
});
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-convert-'));
  await writeVolume(path.join(dir, 'in.nii.gz'), vol);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const quiet = async (args: string[]) => {
  const e = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    return await convert.run(args);
  } finally {
    e.mockRestore();
  }
};

describe('hepatoscope convert', () => {
  it('NIfTI → NRRD → DICOM series → NIfTI keeps voxels and geometry; --phase overrides', async () => {
    expect(await quiet(['--in', path.join(dir, 'in.nii.gz'), '--out', path.join(dir, 'a.nrrd')])).toBe(0);
    expect(await quiet(['--in', path.join(dir, 'a.nrrd'), '--out', path.join(dir, 'dcm') + '/', '--description', 'portal venous'])).toBe(0);
    expect(await quiet(['--in', path.join(dir, 'dcm'), '--out', path.join(dir, 'b.nii'), '--phase', 'delayed'])).toBe(0);
    const b = await readVolume(path.join(dir, 'b.nii'));
    expect(Array.from(b.data)).toEqual(Array.from(vol.data));
    b.spacing.forEach((s, t) => expect(s).toBeCloseTo(vol.spacing[t], 5));
    b.origin.forEach((s, t) => expect(s).toBeCloseTo(vol.origin[t], 4));
    expect(b.metadata).toMatchObject({ phase: 'DELAYED', phaseSource: 'override', synthetic: true });
  });

  it('writes a LiTS mask as a DICOM SEG referencing a series', async () => {
    await quiet(['--in', path.join(dir, 'in.nii.gz'), '--out', path.join(dir, 'ref') + '/']);
    const mask = createVolume({ ...vol, data: Uint8Array.from({ length: 120 }, (_, i) => (i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0)) });
    await writeVolume(path.join(dir, 'mask.nii.gz'), mask);
    expect(await quiet(['--in', path.join(dir, 'mask.nii.gz'), '--out', path.join(dir, 'seg.dcm'), '--seg-reference', path.join(dir, 'ref')])).toBe(0);
    const seg = await readDicomSeg(path.join(dir, 'seg.dcm'), await readVolume(path.join(dir, 'ref')));
    expect(Array.from(seg.labelmap.data)).toEqual(Array.from(mask.data));
  });

  it('reports bad input with the file and the problem', async () => {
    fs.writeFileSync(path.join(dir, 'bad.nii'), 'not an image');
    await expect(quiet(['--in', path.join(dir, 'bad.nii'), '--out', path.join(dir, 'x.nii')])).rejects.toThrow(/bad\.nii is (not a NIfTI file|too short)/);
    await expect(quiet(['--in', path.join(dir, 'in.nii.gz'), '--out', path.join(dir, 'x.png')])).rejects.toThrow(/x\.png has an unsupported extension/);
    await expect(quiet(['--in', path.join(dir, 'in.nii.gz'), '--out', path.join(dir, 'x.nii'), '--phase', 'late'])).rejects.toThrow(/--phase must be one of/);
    await expect(quiet(['--out', 'x'])).rejects.toThrow(/--in is required/);
  });
});
