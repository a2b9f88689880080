/**
 * Phantom generation benchmark (prints figures; never asserted in tests):
 *   npm run bench -w @hepatoscope/phantoms
 * Times generatePhantom for the default grid (128×128×48, 1 and 2 timepoints) and a CT-sized grid
 * (512×512×100 @ 0.75×0.75×2 mm).
 */
import { generatePhantom } from './generate';

function run(label: string, f: () => unknown) {
  const t0 = performance.now();
  f();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}

console.log(`# phantom bench (node ${process.version})`);
run('128×128×48, 3 lesions, 1 timepoint (4 phases + 2 masks)', () => generatePhantom({ seed: 1, lesions: 3 }));
run('128×128×48, 3 lesions, 2 timepoints', () => generatePhantom({ seed: 1, lesions: 3, timepoints: 2 }));
if (!process.argv.includes('--skip-ct')) {
  run('512×512×100 @ 0.75×0.75×2 mm, 3 lesions, 1 timepoint', () =>
    generatePhantom({ seed: 1, lesions: 3, dims: [512, 512, 100], spacing: [0.75, 0.75, 2] }),
  );
}
