/**
 * Synthetic NIfTI-1 volumes for the viewer bench: an abdomen-like CT phantom (body, liver, enhancing lesion) per
 * contrast phase, and a matching lesion mask. Pure Node, deterministic.
 */
import { gzipSync } from 'node:zlib';

/** NIfTI-1 single-file header (348 bytes + 4 extension bytes) for an nx×ny×nz volume of `datatype`. */
export function niftiHeader({ dims, spacing, datatype, bitpix }) {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  h.writeInt16LE(3, 40);
  h.writeInt16LE(dims[0], 42);
  h.writeInt16LE(dims[1], 44);
  h.writeInt16LE(dims[2], 46);
  for (let i = 4; i < 8; i++) h.writeInt16LE(1, 40 + 2 * i);
  h.writeInt16LE(datatype, 70);
  h.writeInt16LE(bitpix, 72);
  h.writeFloatLE(1, 76); // qfac
  h.writeFloatLE(spacing[0], 80);
  h.writeFloatLE(spacing[1], 84);
  h.writeFloatLE(spacing[2], 88);
  h.writeFloatLE(352, 108); // vox_offset
  h.writeFloatLE(1, 112); // scl_slope
  h.writeFloatLE(0, 116); // scl_inter
  h.writeUInt8(10, 123); // xyzt_units: mm + s
  h.writeInt16LE(0, 252); // qform_code
  h.writeInt16LE(1, 254); // sform_code (scanner)
  // srow: RAS affine, voxel (i,j,k) → (−i·dx, −j·dy, k·dz) + origin (LPS-like orientation for axial CT)
  const o = [(dims[0] * spacing[0]) / 2, (dims[1] * spacing[1]) / 2, 0];
  const srow = [
    [-spacing[0], 0, 0, o[0]],
    [0, -spacing[1], 0, o[1]],
    [0, 0, spacing[2], o[2]],
  ];
  srow.forEach((r, i) => r.forEach((v, j) => h.writeFloatLE(v, 280 + 16 * i + 4 * j)));
  h.write('n+1\0', 344, 'latin1');
  return h;
}

const PHASE_HU = {
  NATIVE: { liver: 55, lesion: 40, vessel: 40 },
  ARTERIAL: { liver: 70, lesion: 150, vessel: 250 },
  PORTAL_VENOUS: { liver: 110, lesion: 85, vessel: 160 },
  DELAYED: { liver: 95, lesion: 60, vessel: 110 },
};

/** int16 CT phantom (HU) as .nii.gz bytes. Lesion: sphere of radius 14 voxels centred in the liver. */
export function phantomCt(dims = [512, 512, 100], spacing = [0.75, 0.75, 2.5], phase = 'PORTAL_VENOUS', level = 1) {
  const [nx, ny, nz] = dims;
  const hu = PHASE_HU[phase] ?? PHASE_HU.PORTAL_VENOUS;
  const data = new Int16Array(nx * ny * nz);
  const cx = nx / 2, cy = ny / 2;
  const lx = nx * 0.38, ly = ny * 0.45, lz = nz / 2; // liver centre (patient's right = image left)
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      let idx = (k * ny + j) * nx;
      for (let i = 0; i < nx; i++, idx++) {
        const bx = (i - cx) / (nx * 0.42), by = (j - cy) / (ny * 0.32);
        let v = -1000;
        if (bx * bx + by * by <= 1) {
          v = 35 + (((i * 7 + j * 13 + k * 17) % 11) - 5); // soft tissue + deterministic texture
          const dx = (i - lx) / (nx * 0.2), dy = (j - ly) / (ny * 0.17), dz = (k - lz) / (nz * 0.45);
          if (dx * dx + dy * dy + dz * dz <= 1) v = hu.liver + (((i * 5 + j * 3 + k) % 9) - 4);
          const rx = i - lx, ry = j - ly, rz = (k - lz) * (spacing[2] / spacing[0]);
          if (rx * rx + ry * ry + rz * rz <= 14 * 14 * 4) v = hu.lesion;
          const ax = i - cx, ay = j - (cy + ny * 0.08);
          if (ax * ax + ay * ay <= 100) v = hu.vessel; // aorta
        }
        data[idx] = v;
      }
    }
  }
  const header = niftiHeader({ dims, spacing, datatype: 4, bitpix: 16 });
  return gzipSync(Buffer.concat([header, Buffer.from(data.buffer)]), { level });
}

/** uint8 mask of the phantom's lesion (value 1) as .nii.gz bytes. */
export function phantomLesionMask(dims = [512, 512, 100], spacing = [0.75, 0.75, 2.5]) {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  const lx = nx * 0.38, ly = ny * 0.45, lz = nz / 2;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const rx = i - lx, ry = j - ly, rz = (k - lz) * (spacing[2] / spacing[0]);
        if (rx * rx + ry * ry + rz * rz <= 14 * 14 * 4) m[(k * ny + j) * nx + i] = 1;
      }
  return gzipSync(Buffer.concat([niftiHeader({ dims, spacing, datatype: 2, bitpix: 8 }), Buffer.from(m.buffer)]), { level: 1 });
}
