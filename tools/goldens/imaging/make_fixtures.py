#!/usr/bin/python3
"""
Reference fixtures for @hepatoscope/imaging-io, made with trusted tools (Debian packages):
  pydicom 2.3 (python3-pydicom), nibabel 5.0 (python3-nibabel), numpy, dcmtk 3.6.7
  (dcmcjpeg / dcmcrle / dcmcjpls / dcmdjpeg) and OpenJPEG 2.5 (opj_compress, libopenjp2-tools).

Run:  /usr/bin/python3 tools/goldens/imaging/make_fixtures.py
Writes libs/imaging-io/fixtures/goldens/ (small files, ~1-2 KB each) and expected.json.

What is checked by libs/imaging-io/src/goldens.spec.ts:
  - a 3-slice oblique CT series written by pydicom in shuffled file order: HU values via pydicom's
    apply_modality_lut, slice order along the normal, LPS origin / spacing / direction by numpy;
  - the same series JPEG-Lossless-SV1 (dcmcjpeg), RLE-Lossless (dcmcrle), JPEG-LS lossless (dcmcjpls) and
    JPEG 2000 lossless (opj_compress from libopenjp2-tools, encapsulated by pydicom) encoded: same HU values;
  - an 8-bit JPEG Baseline image (dcmcjpeg +eb) against dcmtk's own decode (dcmdjpeg), within ±2 (lossy);
  - an MR slice with a non-integer RescaleSlope;
  - NIfTI files written by nibabel: one with an oblique sform, one qform-only with qfac = -1, one with
    scl_slope/scl_inter; expected LPS geometry from nibabel's affine (RAS -> LPS: negate x and y rows).
"""
import json, os, shutil, subprocess, tempfile
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.pixel_data_handlers.util import apply_modality_lut
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
import nibabel as nib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'libs', 'imaging-io', 'fixtures', 'goldens')
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261127)
expected = {'generator': 'tools/goldens/imaging/make_fixtures.py',
            'versions': {'pydicom': pydicom.__version__, 'nibabel': nib.__version__, 'numpy': np.__version__}}

# ---------------------------------------------------------------- DICOM CT series (oblique)
rows, cols, nslices = 5, 6, 3
theta = 0.35
row_dir = np.array([np.cos(theta), np.sin(theta), 0.0])
col_dir = np.array([0.0, 0.0, -1.0])          # coronal-oblique: columns run inferiorly
normal = np.cross(row_dir, col_dir)
ps = (0.8, 0.7)                                # (row spacing, column spacing)
dz = 2.5
p0 = np.array([-40.0, 12.5, 30.0])
study, series, frame = generate_uid(), generate_uid(), generate_uid()

def ct_slice(k, stored):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'CT'
    ds.PatientName = 'GOLDEN^CT'
    ds.PatientID = 'G1'
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
    ds.SeriesDescription = 'golden portal venous'
    ds.InstanceNumber = k + 1
    ds.ImagePositionPatient = [float(x) for x in np.round(p0 + k * dz * normal, 6)]
    ds.ImageOrientationPatient = [float(x) for x in np.round(np.concatenate([row_dir, col_dir]), 8)]
    ds.PixelSpacing = list(ps)
    ds.SliceThickness = dz
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 0
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.PixelData = stored.astype('<u2').tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    return ds

stored = [rng.integers(0, 3000, size=(rows, cols)).astype(np.uint16) for _ in range(nslices)]
names = ['c.dcm', 'a.dcm', 'b.dcm']             # file names deliberately not in slice order
ct_dir = os.path.join(OUT, 'ct')
shutil.rmtree(ct_dir, ignore_errors=True)
os.makedirs(ct_dir)
for k in range(nslices):
    ct_slice(k, stored[k]).save_as(os.path.join(ct_dir, names[k]), write_like_original=False)

# read back with pydicom, sort along the normal, HU with apply_modality_lut
dss = [pydicom.dcmread(os.path.join(ct_dir, n)) for n in sorted(os.listdir(ct_dir))]
iop = np.array(dss[0].ImageOrientationPatient, dtype=float)
nrm = np.cross(iop[:3], iop[3:])
dss.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, dtype=float), nrm)))
hu = np.stack([apply_modality_lut(d.pixel_array, d) for d in dss])   # (z, y, x)
pos = [np.array(d.ImagePositionPatient, dtype=float) for d in dss]
expected['ct'] = {
    'dims': [cols, rows, nslices],
    'spacing': [ps[1], ps[0], float(np.dot(pos[1] - pos[0], nrm))],
    'origin': [float(x) for x in pos[0]],
    # row-major 3x3, columns = row direction, column direction, normal
    'direction': [float(x) for x in np.column_stack([iop[:3], iop[3:], nrm]).reshape(-1)],
    'hu': [int(x) for x in hu.reshape(-1)],      # x fastest, then y, then z
    'sopOrder': [str(d.SOPInstanceUID) for d in dss],
}

def dcmtk(tool, args, src_dir, dst_dir):
    os.makedirs(dst_dir, exist_ok=True)
    for n in os.listdir(src_dir):
        subprocess.run([tool, *args, os.path.join(src_dir, n), os.path.join(dst_dir, n)], check=True)

for sub, tool, args, ts in [('ct-jpeg-lossless', 'dcmcjpeg', ['+e1'], '1.2.840.10008.1.2.4.70'),
                            ('ct-rle', 'dcmcrle', [], '1.2.840.10008.1.2.5')]:
    d = os.path.join(OUT, sub)
    shutil.rmtree(d, ignore_errors=True)
    dcmtk(tool, args, ct_dir, d)
    got = pydicom.dcmread(os.path.join(d, 'a.dcm'))
    assert got.file_meta.TransferSyntaxUID == ts, (sub, got.file_meta.TransferSyntaxUID)
    expected[sub] = {'transferSyntax': ts}

# JPEG-LS lossless (dcmcjpls) and JPEG 2000 lossless (opj_compress codestream, encapsulated by pydicom)
from pydicom.encaps import encapsulate
for sub, ts in [('ct-jpeg-ls', '1.2.840.10008.1.2.4.80'), ('ct-j2k', '1.2.840.10008.1.2.4.90')]:
    d = os.path.join(OUT, sub)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for n in os.listdir(ct_dir):
        src = os.path.join(ct_dir, n)
        if sub == 'ct-jpeg-ls':
            subprocess.run(['dcmcjpls', src, os.path.join(d, n)], check=True)
            continue
        ds = pydicom.dcmread(src)
        with tempfile.TemporaryDirectory() as tmp:
            raw = os.path.join(tmp, 'in.rawl')
            ds.pixel_array.astype('<u2').tofile(raw)
            j2k = os.path.join(tmp, 'out.j2k')
            subprocess.run(['opj_compress', '-i', raw, '-o', j2k, '-F', f'{cols},{rows},1,16,u', '-n', '2'], check=True, capture_output=True)
            ds.PixelData = encapsulate([open(j2k, 'rb').read()])
        ds['PixelData'].is_undefined_length = True
        ds['PixelData'].VR = 'OB'
        ds.file_meta.TransferSyntaxUID = ts
        ds.save_as(os.path.join(d, n), write_like_original=False)
    got = pydicom.dcmread(os.path.join(d, 'a.dcm'))
    assert got.file_meta.TransferSyntaxUID == ts, (sub, got.file_meta.TransferSyntaxUID)
    expected[sub] = {'transferSyntax': ts}

# 8-bit JPEG Baseline (lossy, dcmcjpeg +eb); expected = dcmtk's own decode (dcmdjpeg) read by pydicom
meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'
meta.MediaStorageSOPInstanceUID = generate_uid()
meta.TransferSyntaxUID = ExplicitVRLittleEndian
sc = FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
sc.SOPClassUID, sc.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
sc.Modality = 'OT'
sc.StudyInstanceUID, sc.SeriesInstanceUID = generate_uid(), generate_uid()
sc.Rows, sc.Columns = 16, 16
sc.SamplesPerPixel, sc.PhotometricInterpretation = 1, 'MONOCHROME2'
sc.BitsAllocated, sc.BitsStored, sc.HighBit, sc.PixelRepresentation = 8, 8, 7, 0
yy, xx = np.mgrid[0:16, 0:16]
sc.PixelData = (8 * xx + 4 * yy + rng.integers(0, 6, size=(16, 16))).astype(np.uint8).tobytes()
sc.is_little_endian, sc.is_implicit_VR = True, False
with tempfile.TemporaryDirectory() as tmp:
    plain = os.path.join(tmp, 'sc.dcm')
    sc.save_as(plain, write_like_original=False)
    subprocess.run(['dcmcjpeg', '+eb', plain, os.path.join(OUT, 'sc-baseline.dcm')], check=True)
    subprocess.run(['dcmdjpeg', os.path.join(OUT, 'sc-baseline.dcm'), os.path.join(tmp, 'dec.dcm')], check=True)
    expected['sc-baseline'] = {'transferSyntax': '1.2.840.10008.1.2.4.50',
                               'values': [int(x) for x in pydicom.dcmread(os.path.join(tmp, 'dec.dcm')).pixel_array.reshape(-1)]}

# ---------------------------------------------------------------- MR slice, non-integer slope
meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.4'
meta.MediaStorageSOPInstanceUID = generate_uid()
meta.TransferSyntaxUID = ExplicitVRLittleEndian
mr = FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
mr.SOPClassUID, mr.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
mr.Modality = 'MR'
mr.StudyInstanceUID, mr.SeriesInstanceUID = generate_uid(), generate_uid()
mr.ImagePositionPatient = [0, 0, 0]
mr.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
mr.PixelSpacing = [1.25, 1.25]
mr.Rows, mr.Columns = 3, 4
mr.SamplesPerPixel, mr.PhotometricInterpretation = 1, 'MONOCHROME2'
mr.BitsAllocated, mr.BitsStored, mr.HighBit, mr.PixelRepresentation = 16, 12, 11, 1
mr.RescaleSlope, mr.RescaleIntercept = 0.5, 3
mr_stored = rng.integers(-2048, 2047, size=(3, 4)).astype(np.int16)
mr.PixelData = mr_stored.astype('<i2').tobytes()
mr.is_little_endian, mr.is_implicit_VR = True, False
mr.save_as(os.path.join(OUT, 'mr.dcm'), write_like_original=False)
back = pydicom.dcmread(os.path.join(OUT, 'mr.dcm'))
expected['mr'] = {'values': [float(x) for x in apply_modality_lut(back.pixel_array, back).reshape(-1)]}

# ---------------------------------------------------------------- NIfTI (nibabel)
def lps_geometry(affine):
    m = np.array(affine, dtype=float)
    lin = np.diag([-1, -1, 1]) @ m[:3, :3]
    off = np.diag([-1, -1, 1]) @ m[:3, 3]
    sp = np.linalg.norm(lin, axis=0)
    return {'spacing': [float(x) for x in sp], 'origin': [float(x) for x in off],
            'direction': [float(x) for x in (lin / sp).reshape(-1)]}

data = rng.integers(-1000, 2000, size=(4, 3, 2)).astype(np.int16)   # nibabel order: x, y, z
c, s = np.cos(0.4), np.sin(0.4)
aff = np.array([[0.9 * c, -1.1 * s, 0, 12.0], [0.9 * s, 1.1 * c, 0, -7.5], [0, 0, 2.5, 40.0], [0, 0, 0, 1]])
img = nib.Nifti1Image(data, aff)
img.header.set_sform(aff, code=1)
img.header.set_qform(aff, code=1)
nib.save(img, os.path.join(OUT, 'oblique_sform.nii.gz'))
flip = aff @ np.diag([1, 1, -1, 1])           # det < 0 -> qfac = -1
img2 = nib.Nifti1Image(data, flip)
img2.header.set_qform(flip, code=1)
img2.header.set_sform(None, code=0)
nib.save(img2, os.path.join(OUT, 'qform_only.nii'))
img3 = nib.Nifti1Image(data, aff)
img3.header.set_slope_inter(2.0, -5.0)
nib.save(img3, os.path.join(OUT, 'scaled.nii'))
flat = lambda a: [float(x) for x in np.asarray(a).reshape(-1, order='F')]   # x fastest
r1, r2, r3 = (nib.load(os.path.join(OUT, f)) for f in ('oblique_sform.nii.gz', 'qform_only.nii', 'scaled.nii'))
expected['nifti'] = {
    'oblique_sform.nii.gz': {'dims': list(data.shape), **lps_geometry(r1.affine), 'values': flat(r1.get_fdata())},
    'qform_only.nii': {'dims': list(data.shape), **lps_geometry(r2.get_qform()), 'values': flat(r2.get_fdata())},
    'scaled.nii': {'dims': list(data.shape), **lps_geometry(r3.affine), 'values': flat(r3.get_fdata())},
}

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
print('wrote', OUT)
