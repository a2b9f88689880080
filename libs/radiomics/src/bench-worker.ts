/**
 * Bench helper (not part of the library): runs N brain1 extractions (pyradiomics-default + Wavelet + LoG σ 1–5)
 * in this process; `bench.ts` starts 1 or 2 of these to measure batch throughput as `extract --jobs N` does.
 */
import { extractFeatures } from './extract/extract';
import { PRESETS } from './extract/settings';
import { loadBrain1 } from './testing/pyradiomics-cases';

const n = Number(process.argv[2] ?? 1);
const { image, mask } = loadBrain1();
for (let i = 0; i < n; i++) {
  extractFeatures(image, mask, { ...PRESETS['pyradiomics-default'], imageTypes: { original: true, wavelet: { wavelet: 'coif1', level: 1 }, log: { sigmaMm: [1, 2, 3, 4, 5], implementation: 'pyradiomics' } } });
}
