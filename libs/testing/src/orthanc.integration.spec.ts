import fs from 'node:fs';
import { findOrthanc, findOrthancDicomWebPlugin, startOrthanc } from './orthanc';

const available = !!findOrthanc() && !!findOrthancDicomWebPlugin();
if (!available && process.env.CI)
  throw new Error('CI must run the Orthanc tests: apt-get install orthanc orthanc-dicomweb');
if (!available)
  console.warn(
    'SKIPPED orthanc.integration.spec.ts: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)',
  );

(available ? it : it.skip)(
  'starts a private Orthanc on loopback with DICOMweb and basic auth, and stops it completely',
  async () => {
    const o = await startOrthanc();
    try {
      expect(o.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const system = await o.json<{ Name: string; DicomPort: number; Version: string }>('/system');
      expect(system).toMatchObject({ Name: 'HepatoscopeTest', DicomPort: o.dicomPort });
      expect(await o.json<string[]>('/plugins')).toContain('dicom-web');
      expect((await fetch(`${o.httpUrl}/system`)).status).toBe(401); // no credentials
      const qido = await fetch(`${o.dicomWebUrl}/studies`, {
        headers: {
          authorization:
            'Basic ' + Buffer.from(`${o.credentials.username}:${o.credentials.password}`).toString('base64'),
        },
      });
      expect(qido.status).toBe(200);
      expect(await qido.json()).toEqual([]);
      expect(fs.readdirSync(o.dir).sort()).toEqual(['db', 'logs', 'orthanc.json']);
    } finally {
      await o.stop();
    }
    await expect(fetch(`${o.httpUrl}/system`)).rejects.toThrow();
    expect(fs.existsSync(o.dir)).toBe(false);
    await o.stop(); // idempotent
  },
);
