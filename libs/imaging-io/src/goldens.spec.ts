import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readVolume } from './io';

/**
 * Reference values from pydicom / nibabel / dcmtk (tools/goldens/imaging/make_fixtures.py):
 * files written by those tools are read here and compared with what those tools read.
 */
const DIR = path.join(__dirname, '..', 'fixtures', 'goldens');
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8'));

const close = (got: readonly number[], want: number[], tol: number) => {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]) > tol) throw new Error(`element ${i}: ${g} vs ${want[i]}`);
  });
};

describe('goldens: DICOM written by pydicom / dcmtk', () => {
  it.each(['ct', 'ct-jpeg-lossless', 'ct-rle', 'ct-jpeg-ls', 'ct-j2k'])('%s: HU, slice order and LPS geometry equal pydicom + numpy', async (sub) => {
    const v = await readVolume(path.join(DIR, sub));
    const e = expected.ct;
    expect(v.dims).toEqual(e.dims);
    expect(Array.from(v.data)).toEqual(e.hu);
    close(v.spacing, e.spacing, 1e-6); // positions are stored with 6 decimals
    close(v.origin, e.origin, 1e-9);
    close(v.direction, e.direction, 1e-7);
    expect(v.metadata.sopInstanceUids).toEqual(e.sopOrder);
    expect(v.metadata.hounsfield).toBe(true);
    if (sub !== 'ct') expect(v.metadata.transferSyntax).toBe(expected[sub].transferSyntax);
  });

  it('8-bit JPEG Baseline (lossy) decodes within ±2 of dcmtk', async () => {
    const v = await readVolume(path.join(DIR, 'sc-baseline.dcm'));
    expect(v.metadata.transferSyntax).toBe('1.2.840.10008.1.2.4.50');
    close(Array.from(v.data), expected['sc-baseline'].values, 2);
  });

  it('MR with a 12-bit signed stored value and slope 0.5', async () => {
    const v = await readVolume(path.join(DIR, 'mr.dcm'));
    expect(v.dtype).toBe('float32');
    expect(Array.from(v.data)).toEqual(expected.mr.values);
  });
});

describe('goldens: NIfTI written by nibabel', () => {
  it.each(['oblique_sform.nii.gz', 'qform_only.nii', 'scaled.nii'])('%s: values and LPS geometry equal nibabel', async (f) => {
    const v = await readVolume(path.join(DIR, f));
    const e = expected.nifti[f];
    expect(v.dims).toEqual(e.dims);
    close(Array.from(v.data), e.values, 0);
    close(v.spacing, e.spacing, 1e-5);
    close(v.origin, e.origin, 1e-4);
    close(v.direction, e.direction, 1e-5);
  });
});
