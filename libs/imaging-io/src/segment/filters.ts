/**
 * Edge-preserving smoothing: Perona–Malik anisotropic diffusion (pure, no Node APIs).
 *
 *   ∂I/∂t = div( g(|∇I|) ∇I ),  g(s) = exp(−(s/κ)²)        (Perona & Malik 1990, "exponential" g)
 *
 * Explicit scheme on the 6-neighbourhood with physical spacing: the flux towards neighbour n along axis
 * a is g(ΔI)·ΔI/hₐ² with g of the neighbour difference ΔI (so κ means the same on any grid), and the
 * time step is 0.9 × the stability limit 1 / (2 Σₐ 1/hₐ²).
 * κ is an intensity difference (HU): differences well above κ (organ boundaries) are kept, noise is
 * smoothed.
 */

const M = Math;

export interface DiffusionOptions {
  /** iterations (default 5) */
  iterations?: number;
  /** edge threshold κ in intensity units (default 20) */
  kappa?: number;
}

/** Returns a smoothed float32 copy of `data`. */
export function anisotropicDiffusion(
  data: ArrayLike<number>,
  dims: readonly [number, number, number],
  spacing: readonly [number, number, number],
  options: DiffusionOptions = {},
): Float32Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const n = plane * nz;
  const iterations = options.iterations ?? 5;
  const kappa = options.kappa ?? 20;
  let cur = Float32Array.from(data as ArrayLike<number>);
  let next = new Float32Array(n);
  const wx = 1 / (spacing[0] * spacing[0]);
  const wy = 1 / (spacing[1] * spacing[1]);
  const wz = nz > 1 ? 1 / (spacing[2] * spacing[2]) : 0;
  const dt = 0.9 / (2 * (wx + wy + wz));
  const ikx = 1 / kappa;
  const iky = ikx;
  const ikz = ikx;
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        const row = k * plane + j * nx;
        for (let i = 0; i < nx; i++) {
          const p = row + i;
          const c = cur[p];
          let flux = 0;
          let d: number, s: number;
          if (i > 0) { d = cur[p - 1] - c; s = d * ikx; flux += wx * d * M.exp(-s * s); }
          if (i < nx - 1) { d = cur[p + 1] - c; s = d * ikx; flux += wx * d * M.exp(-s * s); }
          if (j > 0) { d = cur[p - nx] - c; s = d * iky; flux += wy * d * M.exp(-s * s); }
          if (j < ny - 1) { d = cur[p + nx] - c; s = d * iky; flux += wy * d * M.exp(-s * s); }
          if (k > 0) { d = cur[p - plane] - c; s = d * ikz; flux += wz * d * M.exp(-s * s); }
          if (k < nz - 1) { d = cur[p + plane] - c; s = d * ikz; flux += wz * d * M.exp(-s * s); }
          next[p] = c + dt * flux;
        }
      }
    }
    const t = cur;
    cur = next;
    next = t;
  }
  return cur;
}
