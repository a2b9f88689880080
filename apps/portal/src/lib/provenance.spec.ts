import { provenanceText } from './contract';

describe('provenanceText', () => {
  it('names each stage with its origin, liver first, then the provider', () => {
    expect(
      provenanceText({
        cascade: 'liver-unet@1.2+site-tumour@3',
        provider: 'cpu',
        jobId: 'j',
        stages: [
          { stage: 'liver', model: 'liver-unet@1.2', modelId: null, origin: 'BUNDLED' },
          { stage: 'tumour', model: 'site-tumour@3', modelId: 'm1', origin: 'UPLOADED' },
        ],
      }),
    ).toBe('liver: liver-unet@1.2 (bundled) · tumour: site-tumour@3 (uploaded) · cpu');
  });

  it('falls back to the cascade name when no stage is recorded, and is empty without provenance', () => {
    expect(provenanceText({ cascade: 'liver-unet@1.2', provider: null, jobId: 'j', stages: [] })).toBe('liver-unet@1.2');
    expect(provenanceText(null)).toBe('');
    expect(provenanceText(undefined)).toBe('');
  });
});
