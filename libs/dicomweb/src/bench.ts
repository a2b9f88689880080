/**
 * DICOMweb client benchmark against a real Orthanc (prints figures; never asserted in tests):
 *   npm run bench -w @hepatoscope/dicomweb        (or: cd libs/dicomweb && npx tsx src/bench.ts --dims 256,256,64)
 * Starts a private Orthanc (libs/testing), then for a synthetic CT series of --dims (default 256×256×64, int16):
 * STOW-RS of all slices in one request, QIDO-RS study/series search, WADO-RS retrieve of the series (multipart
 * parse included) and the series assembled by imaging-io from the retrieved parts. Repeats --runs times (default 3).
 * Skips with a message when Orthanc is not installed.
 * (bench-only imports of @hepatoscope/testing and @hepatoscope/imaging-io: the library itself depends on nothing)
 */
import { assembleDicomSeries, createVolume, encodeDicomSeries, parseDicomFile } from '@hepatoscope/imaging-io';
import { findOrthanc, findOrthancDicomWebPlugin, startOrthanc } from '@hepatoscope/testing';
import { createDicomwebClient } from './client';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const dims = (arg('dims') ?? '256,256,64').split(',').map(Number) as [number, number, number];
const runs = Number(arg('runs') ?? 3);

async function time<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  if (!findOrthanc() || !findOrthancDicomWebPlugin()) {
    console.log('dicomweb bench skipped: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');
    return;
  }
  const [nx, ny, nz] = dims;
  const data = new Int16Array(nx * ny * nz);
  for (let i = 0; i < data.length; i++) data[i] = (((i * 2654435761) >>> 20) % 400) - 200;
  const vol = createVolume({ data, dims, spacing: [0.8, 0.8, 2.5], metadata: { synthetic: true } });
  const [orthanc, startMs] = await time(() => startOrthanc());
  console.log(`Orthanc started in ${startMs.toFixed(0)} ms (${orthanc.httpUrl})`);
  const client = createDicomwebClient({
    baseUrl: orthanc.dicomWebUrl,
    auth: { type: 'basic', ...orthanc.credentials },
  });
  const rows: Record<string, number[]> = { stow: [], qidoStudies: [], qidoSeries: [], wado: [], assemble: [] };
  let mb = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const enc = encodeDicomSeries(vol, { patientId: `BENCH-${r}` });
      mb = enc.files.reduce((a, f) => a + f.length, 0) / 1048576;
      const [stored, stowMs] = await time(() => client.store(enc.files));
      if (stored.stored.length !== nz) throw new Error(`STOW stored ${stored.stored.length} of ${nz}`);
      const [, q1] = await time(() => client.searchStudies({ PatientID: `BENCH-${r}` }));
      const [, q2] = await time(() => client.searchSeries(enc.studyInstanceUid));
      const [files, wadoMs] = await time(() => client.retrieveSeries(enc.studyInstanceUid, enc.seriesInstanceUid));
      const [back, asmMs] = await time(async () =>
        assembleDicomSeries(files.map((f, i) => parseDicomFile(f, `#${i}`))),
      );
      let diff = 0;
      for (let i = 0; i < data.length; i++) if (back.data[i] !== data[i]) diff++;
      if (diff) throw new Error(`${diff} voxels differ after the round trip`);
      rows.stow!.push(stowMs);
      rows.qidoStudies!.push(q1);
      rows.qidoSeries!.push(q2);
      rows.wado!.push(wadoMs);
      rows.assemble!.push(asmMs);
    }
  } finally {
    await orthanc.stop();
  }
  console.log(
    `series ${nx}×${ny}×${nz} int16: ${nz} instances, ${mb.toFixed(1)} MiB; median of ${runs} runs (voxels identical after STOW → WADO):`,
  );
  for (const [k, v] of Object.entries(rows)) {
    const m = median(v);
    const rate =
      k === 'stow' || k === 'wado'
        ? `  ${(mb / (m / 1000)).toFixed(1)} MiB/s, ${(nz / (m / 1000)).toFixed(0)} instances/s`
        : '';
    console.log(`  ${k.padEnd(12)} ${m.toFixed(0).padStart(6)} ms${rate}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
