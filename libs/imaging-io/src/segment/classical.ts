import { anisotropicDiffusion } from './filters';
import { refineLesionsLevelSet, chanVeseRefine, type LevelSetOptions } from './levelset';
import { close, components, dilate, erode, fillHoles2D, largestComponent, open, radiusVoxels, removeSmall, type Dims } from './morphology';

/**
 * Classical automatic liver and tumour segmentation of a contrast-enhanced (portal-venous) CT volume
 * in HU — the "anisotropic diffusion + adaptive threshold + morphology" pipeline of the classical
 * liver-segmentation literature (e.g. Heimann et al. 2009 review, MICCAI SLIVER07 methods):
 *
 * 1. Perona–Malik diffusion (5 iterations, κ = 20 HU) to smooth noise while keeping organ edges.
 * 2. Body = largest component above −300 HU. Soft tissue = body voxels in [−30, 250] HU.
 * 3. Adaptive liver window: Otsu's threshold splits the soft-tissue histogram into muscle/bowel and
 *    enhanced parenchyma; the liver mode is the histogram peak above it in the patient's right half
 *    (x < body centre; LPS +x = left). σ is taken from the upper half-width of that peak; the window is
 *    mode − 2.5σ … mode + 2.5σ (widened to at least ±15 HU).
 * 4. Liver candidates in the window → opening (3 mm) to cut bridges to spleen, kidney, IVC → the largest
 *    component with its centroid on the patient's right, plus the components (≥ 1 % of its size) within
 *    4 mm of it (parenchyma split by vessels at fine voxel sizes) → closing (6 mm) and slice-wise hole filling
 *    (brings back vessels and lesions enclosed by parenchyma) → dilation by 1 voxel of the opened
 *    component into the window (undoes the opening's erosion).
 * 5. Tumour = hypo-attenuating outliers inside the liver: seeds below mode − 3.5σ inside the liver eroded
 *    by 2 voxels, grown by hysteresis into voxels below mode − 1.8σ within the liver, components
 *    smaller than 40 mm³ removed, holes filled; tumour voxels are forced into the liver mask.
 * 6. Level-set refinement of each lesion (Chan–Vese in the lesion's box, lesion vs surrounding parenchyma,
 *    constrained to the liver; `levelset.ts`), then small components removed and holes filled again.
 * Output: LiTS labels (0 background, 1 liver, 2 tumour).
 */

const M = Math;

export interface ClassicalOptions {
  /** progress callback (0..1, stage name) */
  onProgress?: (fraction: number, stage: string) => void;
  /** diffusion iterations (default 5) */
  diffusionIterations?: number;
  /** minimum tumour component volume in mm³ (default 40) */
  minTumourMm3?: number;
  /** tumour seeds lie below mode − strong·σ (default 3.5) and grow into voxels below mode − weak·σ (default 1.8);
   *  defaults tuned on phantom seeds 2001–2004 (not the evaluation seeds) */
  tumourStrongSigma?: number;
  tumourWeakSigma?: number;
  /**
   * level-set refinement (Chan–Vese, `levelset.ts`) of the lesions ('lesions', default), the liver ('liver'),
   * both or none. Measured on held-out phantom seeds 1001–1005: 'none' → 'lesions' raises tumour Dice
   * 0.579 → 0.605 (every seed gains; tuning seeds 2001–2004: 0.632 → 0.670); 'liver' lowers liver Dice
   * 0.982 → 0.974, so it is not the default.
   */
  refine?: 'none' | 'lesions' | 'liver' | 'both';
  /** options of the level set */
  levelSet?: LevelSetOptions;
}

export interface ClassicalResult {
  /** LiTS label map: 0 background, 1 liver, 2 tumour */
  labels: Uint8Array;
  /** the estimated liver intensity mode and window (HU) */
  liverMode: number;
  liverSigma: number;
  window: [number, number];
  /** milliseconds per stage */
  timings: Record<string, number>;
}

interface Grid {
  data: ArrayLike<number>;
  dims: Dims;
  spacing: readonly [number, number, number];
}

/** Otsu's threshold of a histogram (bins of width 1 starting at `lo`). */
export function otsu(hist: Float64Array, lo: number): number {
  let total = 0, sum = 0;
  for (let b = 0; b < hist.length; b++) {
    total += hist[b];
    sum += b * hist[b];
  }
  let w0 = 0, s0 = 0, best = 0, bestVar = -1;
  for (let b = 0; b < hist.length; b++) {
    w0 += hist[b];
    s0 += b * hist[b];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = s0 / w0, m1 = (sum - s0) / w1;
    const v = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (v > bestVar) {
      bestVar = v;
      best = b;
    }
  }
  return lo + best + 0.5;
}

function smoothHist(h: Float64Array, sigma: number): Float64Array {
  const r = M.ceil(3 * sigma);
  const k = new Float64Array(2 * r + 1);
  for (let t = -r; t <= r; t++) k[t + r] = M.exp(-(t * t) / (2 * sigma * sigma));
  const out = new Float64Array(h.length);
  for (let b = 0; b < h.length; b++) {
    let s = 0;
    for (let t = -r; t <= r; t++) {
      const c = b + t;
      if (c >= 0 && c < h.length) s += k[t + r] * h[c];
    }
    out[b] = s;
  }
  return out;
}

/** Segments liver and tumours (see the module comment). `image` is a CT volume in HU. */
export function segmentLiverClassical(image: Grid, options: ClassicalOptions = {}): ClassicalResult {
  const { dims, spacing } = image;
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const timings: Record<string, number> = {};
  const progress = options.onProgress ?? (() => undefined);
  let t0 = performance.now();
  const lap = (name: string, frac: number) => {
    const t = performance.now();
    timings[name] = t - t0;
    t0 = t;
    progress(frac, name);
  };

  const smooth = anisotropicDiffusion(image.data, dims, spacing, { iterations: options.diffusionIterations ?? 5 });
  lap('diffusion', 0.35);

  // body
  const above = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (smooth[i] > -300) above[i] = 1;
  const body = fillHoles2D(largestComponent(above, dims), dims);
  let cx = 0, cnt = 0;
  for (let i = 0; i < n; i++) if (body[i]) { cx += i % nx; cnt++; }
  if (cnt === 0) throw new Error('segmentLiverClassical: no body found (no voxels above −300 HU); is the image in HU?');
  const bodyCentreX = cx / cnt;
  lap('body', 0.45);

  // adaptive liver window
  const LO = -30, HI = 250;
  const histAll = new Float64Array(HI - LO + 1);
  const histRight = new Float64Array(HI - LO + 1);
  for (let i = 0; i < n; i++) {
    if (!body[i]) continue;
    const v = M.round(smooth[i]);
    if (v < LO || v > HI) continue;
    histAll[v - LO]++;
    if (i % nx < bodyCentreX) histRight[v - LO]++;
  }
  const split = otsu(histAll, LO);
  const hs = smoothHist(histRight, 2);
  let modeBin = M.max(0, M.ceil(split - LO));
  for (let b = modeBin; b < hs.length; b++) if (hs[b] > hs[modeBin]) modeBin = b;
  const mode = LO + modeBin;
  // upper half-width at half maximum → σ
  let hw = 1;
  while (modeBin + hw < hs.length - 1 && hs[modeBin + hw] > hs[modeBin] / 2) hw++;
  const sigma = M.max(4, hw / 1.1774);
  const half = M.max(15, 2.5 * sigma);
  const win: [number, number] = [mode - half, mode + half];
  lap('window', 0.5);

  // liver
  const cand = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (body[i] && smooth[i] >= win[0] && smooth[i] <= win[1]) cand[i] = 1;
  const opened = open(cand, dims, radiusVoxels(3, spacing, 1));
  // the biggest component whose centroid lies on the patient's right
  const comp = components(opened, dims);
  const sumX = new Float64Array(comp.count + 1);
  for (let i = 0; i < n; i++) if (comp.labels[i]) sumX[comp.labels[i]] += i % nx;
  let best = 0;
  for (let c = 1; c <= comp.count; c++) {
    const right = sumX[c] / comp.sizes[c] < bodyCentreX;
    if (right && (best === 0 || comp.sizes[c] > comp.sizes[best])) best = c;
  }
  if (best === 0) for (let c = 1; c <= comp.count; c++) if (best === 0 || comp.sizes[c] > comp.sizes[best]) best = c;
  // vessels outside the window split the parenchyma at fine voxel sizes: add the components that touch
  // the chosen one within 4 mm (two rounds), unless tiny or on the patient's left
  const keep = new Uint8Array(comp.count + 1);
  if (best) keep[best] = 1;
  for (let round = 0; round < 2 && best; round++) {
    const cur = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (keep[comp.labels[i]] && comp.labels[i]) cur[i] = 1;
    const near = dilate(cur, dims, radiusVoxels(4, spacing, 1));
    for (let i = 0; i < n; i++) {
      const c = comp.labels[i];
      if (c && !keep[c] && near[i] && comp.sizes[c] >= 0.01 * comp.sizes[best]) keep[c] = 1;
    }
  }
  let liver: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (comp.labels[i] && keep[comp.labels[i]]) liver[i] = 1;
  // undo the opening's erosion inside the window, then close and fill
  const grown = dilate(liver, dims, radiusVoxels(3, spacing, 1));
  for (let i = 0; i < n; i++) liver[i] = grown[i] && cand[i] ? 1 : 0;
  liver = largestComponent(liver, dims);
  liver = fillHoles2D(close(liver, dims, radiusVoxels(6, spacing, 1)), dims);
  for (let i = 0; i < n; i++) if (!body[i]) liver[i] = 0;
  const refine = options.refine ?? 'lesions';
  if (refine === 'liver' || refine === 'both') {
    const g = { data: smooth, dims, spacing };
    liver = fillHoles2D(largestComponent(chanVeseRefine(g, liver, { marginMm: 6, ...options.levelSet, allowed: body }), dims), dims);
  }
  lap('liver', 0.8);

  // tumours: hypo-attenuating outliers
  const strong = mode - (options.tumourStrongSigma ?? 3.5) * sigma;
  const weak = mode - (options.tumourWeakSigma ?? 1.8) * sigma;
  const inner = erode(liver, dims, [2, 2, 1]);
  const weakMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (liver[i] && smooth[i] < weak) weakMask[i] = 1;
  const wc = components(weakMask, dims);
  const hasSeed = new Uint8Array(wc.count + 1);
  for (let i = 0; i < n; i++) if (wc.labels[i] && inner[i] && smooth[i] < strong) hasSeed[wc.labels[i]] = 1;
  let tumour: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (wc.labels[i] && hasSeed[wc.labels[i]]) tumour[i] = 1;
  // drop boundary artefacts: keep components mostly inside the eroded liver
  const minVox = M.max(1, M.round((options.minTumourMm3 ?? 40) / (spacing[0] * spacing[1] * spacing[2])));
  tumour = removeSmall(open(tumour, dims, [1, 1, 0]), dims, minVox);
  tumour = fillHoles2D(tumour, dims);
  if (refine === 'lesions' || refine === 'both') {
    tumour = refineLesionsLevelSet({ data: smooth, dims, spacing }, tumour, liver, options.levelSet);
    tumour = fillHoles2D(removeSmall(tumour, dims, minVox), dims);
  }
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = tumour[i] ? 2 : liver[i] ? 1 : 0;
  lap('tumour', 1);
  return { labels, liverMode: mode, liverSigma: sigma, window: win, timings };
}
