import { CliError, parseCommandArgs, type Command } from '../command';

/**
 * `hepatoscope delta`: delta radiomics of one lesion between two timepoints, from two `hepatoscope extract`
 * JSON outputs, through `deltaRadiomics` of @hepatoscope/radiomics (absolute, relative and per-day change).
 * Refuses two sets extracted with different settings (different settings hashes).
 */
const USAGE = `Usage: hepatoscope delta --before A.json --after B.json [--days N] [--format json|csv] [--out FILE]

  --before FILE   features at the first timepoint (JSON written by hepatoscope extract)
  --after FILE    features at the second timepoint (same settings)
  --days N        days between the timepoints (default: from the provenance dates, extract --date;
                  without either, no per-day change)
  --format F      json (default) or csv; inferred from --out's extension when omitted
  --out FILE      write to FILE instead of stdout`;

const OPTIONS = {
  before: { type: 'string' },
  after: { type: 'string' },
  days: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/** One timepoint as read from an extract JSON file. */
export interface ExtractedSet {
  path: string;
  settingsHash: string;
  date?: string;
  imageSha256?: string;
  features: Record<string, number>;
}

/**
 * Reads `hepatoscope extract` JSON (`{provenance, features}` or `{provenance, rows}` with exactly one row).
 * Throws a CliError naming the file and what is wrong.
 */
export function parseExtractJson(text: string, path: string): ExtractedSet {
  let j: { provenance?: { settingsHash?: unknown; date?: unknown; image?: { sha256?: unknown } }; features?: unknown; rows?: { features?: unknown }[] };
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new CliError(`delta: ${path} is not JSON: ${(e as Error).message}`);
  }
  const hash = j?.provenance?.settingsHash;
  if (typeof hash !== 'string' || !hash) throw new CliError(`delta: ${path} has no provenance.settingsHash; is it the JSON output of hepatoscope extract?`);
  let list = j.features;
  if (list === undefined && Array.isArray(j.rows)) {
    if (j.rows.length !== 1) throw new CliError(`delta: ${path} has ${j.rows.length} rows (several ROIs); extract one lesion per file (--label N)`);
    list = j.rows[0].features;
  }
  if (!Array.isArray(list)) throw new CliError(`delta: ${path} has no features list`);
  const features: Record<string, number> = {};
  for (const f of list as { name?: unknown; value?: unknown }[]) {
    if (typeof f?.name !== 'string') throw new CliError(`delta: ${path} has a feature without a name`);
    features[f.name] = typeof f.value === 'number' ? f.value : NaN;
  }
  const date = typeof j.provenance?.date === 'string' ? j.provenance.date : undefined;
  const sha = typeof j.provenance?.image?.sha256 === 'string' ? j.provenance.image.sha256 : undefined;
  return { path, settingsHash: hash, date, imageSha256: sha, features };
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const delta: Command = {
  name: 'delta',
  summary: 'Delta radiomics: absolute, relative and per-day change of features between two timepoints',
  usage: USAGE,
  async run(argv) {
    const values = parseCommandArgs('delta', argv, OPTIONS, USAGE);
    if (!values.before || !values.after) throw new CliError(`delta: --before and --after are required\n\n${USAGE}`);
    const out = values.out;
    const format = values.format ?? (out?.toLowerCase().endsWith('.csv') ? 'csv' : 'json');
    if (format !== 'json' && format !== 'csv') throw new CliError(`delta: --format must be json or csv, got ${format}`);
    let days: number | undefined;
    if (values.days !== undefined) {
      days = Number(values.days);
      if (!Number.isFinite(days) || values.days.trim() === '') throw new CliError(`delta: --days must be a number, got ${values.days}`);
    }
    const fs = await import('node:fs');
    const rad = await import('@hepatoscope/radiomics');
    const read = (p: string) => {
      try {
        return parseExtractJson(fs.readFileSync(p, 'utf8'), p);
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`delta: cannot read ${p}: ${(e as Error).message}`);
      }
    };
    const a = read(values.before), b = read(values.after);
    if (a.settingsHash !== b.settingsHash) {
      throw new CliError(`delta: ${a.path} and ${b.path} were extracted with different settings (settings hash ${a.settingsHash.slice(0, 12)}… vs ${b.settingsHash.slice(0, 12)}…); re-extract both with the same --preset/--params`);
    }
    // per-day change: --days wins; else both provenance dates; a one-sided date is an error
    let dates: [string, string] | undefined;
    if (days === undefined) {
      if (a.date && b.date) dates = [a.date, b.date];
      else if (a.date || b.date) throw new CliError(`delta: only ${a.date ? a.path : b.path} has a provenance date; pass --days N or extract both with --date`);
    }
    const refDate = '2000-01-01T00:00:00Z';
    const at = days === undefined ? dates : ([refDate, new Date(Date.parse(refDate) + days * 86400000).toISOString()] as [string, string]);
    let r: ReturnType<typeof rad.deltaRadiomics>;
    try {
      r = rad.deltaRadiomics({ features: a.features, settingsHash: a.settingsHash, date: at?.[0] }, { features: b.features, settingsHash: b.settingsHash, date: at?.[1] });
    } catch (e) {
      throw new CliError(`delta: ${(e as Error).message}`);
    }
    const num = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
    const rows = Object.keys(r.absolute).map((name) => {
      const reason = [r.reasons[name], r.reasons[`${name}:relative`], r.reasons[`${name}:perDay`]].filter(Boolean).join('; ');
      return {
        name,
        before: num(a.features[name]),
        after: num(b.features[name]),
        absolute: num(r.absolute[name]),
        relative: num(r.relative[name]),
        perDay: r.days === null ? null : num(r.perDay[name]),
        ...(reason ? { reason } : {}),
      };
    });
    const missing = Object.keys(a.features).filter((k) => !(k in b.features)).length + Object.keys(b.features).filter((k) => !(k in a.features)).length;
    let text: string;
    if (format === 'json') {
      const provenance = {
        settingsHash: a.settingsHash,
        days: r.days,
        before: { path: a.path, date: a.date ?? null, imageSha256: a.imageSha256 ?? null },
        after: { path: b.path, date: b.date ?? null, imageSha256: b.imageSha256 ?? null },
        featuresInOneSetOnly: missing,
      };
      text = JSON.stringify({ provenance, features: rows }, null, 2) + '\n';
    } else {
      const head = ['name', 'before', 'after', 'absolute', 'relative', 'perDay', 'reason'];
      text = [head.join(','), ...rows.map((row) => [row.name, row.before, row.after, row.absolute, row.relative, row.perDay, row.reason ?? ''].map(csvCell).join(','))].join('\n') + '\n';
    }
    if (out) {
      fs.writeFileSync(out, text);
      console.error(`delta: ${rows.length} features${r.days === null ? '' : ` over ${r.days} days`} → ${out}`);
    } else process.stdout.write(text);
    return 0;
  },
};
export default delta;
