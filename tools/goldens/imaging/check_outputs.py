#!/usr/bin/python3
"""
Cross-checks files WRITTEN by Hepatoscope with trusted readers (pydicom, nibabel, numpy):

  npx hepatoscope phantom --out /tmp/ph --seed 7 --lesions 2 --size small --dicom
  /usr/bin/python3 tools/goldens/imaging/check_outputs.py /tmp/ph

Checks (prints one line per check, exits 1 on the first failure):
  1. every NIfTI loads in nibabel; the portal-venous NIfTI and the portal-venous DICOM series (pydicom,
     HU by apply_modality_lut, sorted along the normal) have the same voxels and the same world
     coordinates (nibabel affine RAS -> LPS vs ImagePositionPatient/ImageOrientationPatient/PixelSpacing);
  2. the DICOM SEG loads in pydicom: Segmentation Storage, BINARY, 2 segments (Liver, Tumour); every frame
     references a PV slice whose ImagePositionPatient equals the frame's; the unpacked frames equal the
     NIfTI liver/lesion masks on those slices.
"""
import json, os, sys
import numpy as np
import nibabel as nib
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut

root = sys.argv[1]
m = json.load(open(os.path.join(root, 'manifest.json')))
tp = (m.get('timepoints') or [m])[0]
dicom_dir = os.path.join(root, 'dicom', 't0' if m.get('timepoints') else '')

def ok(msg):
    print('OK  ', msg)

def fail(msg):
    print('FAIL', msg)
    sys.exit(1)

for f in list(tp['phases'].values()) + [tp['liverMask'], tp['lesionMask']]:
    img = nib.load(os.path.join(root, f))
    img.get_fdata()
ok('nibabel loads all NIfTI files')

pv = nib.load(os.path.join(root, tp['phases']['PORTAL_VENOUS']))
vol = np.asarray(pv.dataobj)
series_dir = os.path.join(dicom_dir, 'portal_venous')
dss = [pydicom.dcmread(os.path.join(series_dir, f)) for f in sorted(os.listdir(series_dir))]
iop = np.array(dss[0].ImageOrientationPatient, float)
nrm = np.cross(iop[:3], iop[3:])
dss.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, float), nrm)))
hu = np.stack([apply_modality_lut(d.pixel_array, d) for d in dss], axis=-1)   # (rows=y, cols=x, z)
hu = np.transpose(hu, (1, 0, 2))                                                # (x, y, z)
if hu.shape != vol.shape or not np.array_equal(hu, vol):
    fail(f'PV voxels differ: DICOM {hu.shape} vs NIfTI {vol.shape}, max |diff| {np.abs(hu - vol).max() if hu.shape == vol.shape else "n/a"}')
ok(f'PV DICOM series (pydicom HU) == PV NIfTI (nibabel) voxel for voxel, shape {vol.shape}')
lps = np.diag([-1, -1, 1, 1]) @ pv.affine
worst = 0.0
ps = [float(x) for x in dss[0].PixelSpacing]
for k in (0, len(dss) // 2, len(dss) - 1):
    for (i, j) in ((0, 0), (vol.shape[0] - 1, 0), (3, vol.shape[1] - 1)):
        w_nii = (lps @ np.array([i, j, k, 1.0]))[:3]
        ipp = np.array(dss[k].ImagePositionPatient, float)
        w_dcm = ipp + iop[:3] * ps[1] * i + iop[3:] * ps[0] * j
        worst = max(worst, float(np.abs(w_nii - w_dcm).max()))
if worst > 1e-3:
    fail(f'world coordinates differ by {worst} mm')
ok(f'NIfTI affine (RAS->LPS) and DICOM geometry agree within {worst:.2e} mm')

seg = pydicom.dcmread(os.path.join(dicom_dir, 'seg.dcm'))
assert seg.SOPClassUID == '1.2.840.10008.5.1.4.1.1.66.4', seg.SOPClassUID
assert seg.SegmentationType == 'BINARY'
labels = [s.SegmentLabel for s in seg.SegmentSequence]
assert labels == ['Liver', 'Tumour'], labels
ok(f'SEG: Segmentation Storage, BINARY, segments {labels}, {seg.NumberOfFrames} frames')
frames = seg.pixel_array.reshape(int(seg.NumberOfFrames), seg.Rows, seg.Columns)
by_sop = {d.SOPInstanceUID: (k, d) for k, d in enumerate(dss)}
liver = np.asarray(nib.load(os.path.join(root, tp['liverMask'])).dataobj)
lesion = np.asarray(nib.load(os.path.join(root, tp['lesionMask'])).dataobj)
lits = np.where(lesion > 0, 2, np.where(liver > 0, 1, 0))
checked = 0
for f, pf in enumerate(seg.PerFrameFunctionalGroupsSequence):
    sop = pf.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    if sop not in by_sop:
        fail(f'frame {f + 1} references {sop}, not in the PV series')
    k, d = by_sop[sop]
    pos = np.array(pf.PlanePositionSequence[0].ImagePositionPatient, float)
    if np.abs(pos - np.array(d.ImagePositionPatient, float)).max() > 1e-3:
        fail(f'frame {f + 1} position {pos} != referenced slice position {d.ImagePositionPatient}')
    segno = pf.SegmentIdentificationSequence[0].ReferencedSegmentNumber
    want = (lits[:, :, k] == segno).T.astype(np.uint8)
    if not np.array_equal(frames[f].astype(np.uint8), want):
        fail(f'frame {f + 1} (segment {segno}, slice {k}) differs from the NIfTI masks')
    checked += 1
covered = {(pf.SegmentIdentificationSequence[0].ReferencedSegmentNumber, by_sop[pf.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID][0]) for pf in seg.PerFrameFunctionalGroupsSequence}
for segno in (1, 2):
    for k in range(lits.shape[2]):
        if (lits[:, :, k] == segno).any() and (segno, k) not in covered:
            fail(f'segment {segno} has voxels on slice {k} but no frame')
ok(f'SEG: all {checked} frames reference the PV slice at their position and equal the NIfTI masks; no slice missing')
print('all checks passed')
