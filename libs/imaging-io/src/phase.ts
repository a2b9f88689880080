import type { ContrastPhase } from './types';

/**
 * Contrast-phase detection for multi-phase liver CT/MR from DICOM tags.
 *
 * Evidence, in order of precedence:
 * 1. a manual override;
 * 2. keywords in SeriesDescription / ProtocolName / ImageComments (e.g. "native", "non-contrast",
 *    "arterial", "portal venous", "PV", "delayed", "equilibrium"); "late arterial" counts as arterial;
 * 3. the time from ContrastBolusStartTime (0018,1042) to AcquisitionTime (0008,0032) (or SeriesTime /
 *    ContentTime): < 0 s → NATIVE, 0–50 s → ARTERIAL, 50–120 s → PORTAL_VENOUS, ≥ 120 s → DELAYED
 *    (late-arterial ≈ 35–40 s, portal-venous ≈ 60–80 s, delayed/transitional ≥ 2–3 min: LI-RADS v2018 CT/MRI
 *    technique);
 * 4. ContrastBolusAgent (0018,0010) present but empty or "none" → NATIVE.
 * Otherwise the phase is unknown (undefined), never guessed.
 */

export interface PhaseTags {
  seriesDescription?: string;
  protocolName?: string;
  imageComments?: string;
  /** (0018,0010); `undefined` = tag absent, '' = present and empty */
  contrastBolusAgent?: string;
  /** DICOM TM (HHMMSS.FFFFFF) */
  contrastBolusStartTime?: string;
  acquisitionTime?: string;
  seriesTime?: string;
  contentTime?: string;
}

export interface PhaseDetection {
  phase?: ContrastPhase;
  /** 'override' | 'description' | 'timing' | 'no-contrast' | 'unknown' */
  source: 'override' | 'description' | 'timing' | 'no-contrast' | 'unknown';
  /** why, in words */
  reason: string;
  /** acquisition time minus bolus start, when both are known */
  secondsAfterInjection?: number;
}

const KEYWORDS: [ContrastPhase, RegExp][] = [
  ['NATIVE', /\b(native|nativ|non[- _]?contrast|non[- _]?con|noncontrast|unenhanced|un[- ]enhanced|plain|pre[- _]?contrast|precontrast|pre|nc|w\/o|without contrast|sans)\b/i],
  ['ARTERIAL', /\b(late[- _]?arterial|early[- _]?arterial|arterial|arteriell|arterielle|art|hap|angio)\b/i],
  ['PORTAL_VENOUS', /\b(portal[- _]?venous|portovenous|porto[- _]?venous|portal|pv|pvp|venous|venös|ven)\b/i],
  ['DELAYED', /\b(delayed|delay|equilibrium|equil|eq|transitional|late|hepatobiliary|hbp|\d+\s?min)\b/i],
];

/** Seconds since midnight of a DICOM TM value (HH, HHMM, HHMMSS, HHMMSS.FFFFFF, or HH:MM:SS), or undefined. */
export function parseDicomTime(tm: string | undefined): number | undefined {
  if (!tm) return undefined;
  const t = tm.trim().replace(/:/g, '');
  const m = /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?$/.exec(t);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2] ?? 0);
  const s = Number(m[3] ?? 0) + Number(m[4] ?? 0);
  if (h > 23 || mi > 59 || s >= 61) return undefined;
  return h * 3600 + mi * 60 + s;
}

/** Phase by time after injection (seconds); see the module comment for the bands. */
export function phaseFromDelay(seconds: number): ContrastPhase {
  if (seconds < 0) return 'NATIVE';
  if (seconds < 50) return 'ARTERIAL';
  if (seconds < 120) return 'PORTAL_VENOUS';
  return 'DELAYED';
}

/** Detects the contrast phase from tags (see the module comment); `override` wins. */
export function detectContrastPhase(tags: PhaseTags, override?: ContrastPhase): PhaseDetection {
  if (override) return { phase: override, source: 'override', reason: `manual override ${override}` };
  const text = [tags.seriesDescription, tags.protocolName, tags.imageComments].filter(Boolean).join(' | ');
  // arterial before delayed so that "late arterial" is arterial; native first so that "pre" wins over nothing else
  const order: ContrastPhase[] = ['ARTERIAL', 'PORTAL_VENOUS', 'NATIVE', 'DELAYED'];
  for (const phase of order) {
    const re = KEYWORDS.find(([p]) => p === phase)![1];
    const m = text ? re.exec(text) : null;
    if (m) return { phase, source: 'description', reason: `"${m[0]}" in "${text}"` };
  }
  const start = parseDicomTime(tags.contrastBolusStartTime);
  const acq = parseDicomTime(tags.acquisitionTime) ?? parseDicomTime(tags.contentTime) ?? parseDicomTime(tags.seriesTime);
  if (start !== undefined && acq !== undefined) {
    let dt = acq - start;
    if (dt < -12 * 3600) dt += 24 * 3600; // injection before midnight, scan after
    const phase = phaseFromDelay(dt);
    return { phase, source: 'timing', reason: `acquired ${dt.toFixed(0)} s after contrast injection`, secondsAfterInjection: dt };
  }
  if (tags.contrastBolusAgent !== undefined) {
    const agent = tags.contrastBolusAgent.trim();
    if (agent === '' || /^(none|no|n\/a)$/i.test(agent)) {
      return { phase: 'NATIVE', source: 'no-contrast', reason: 'ContrastBolusAgent is empty or "none"' };
    }
    return { source: 'unknown', reason: `contrast "${agent}" given but no description keyword or timing` };
  }
  return { source: 'unknown', reason: 'no description keyword, timing or contrast tags' };
}
