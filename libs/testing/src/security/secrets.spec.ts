/**
 * Secrets only from the environment: scans every file tracked by git for hard-coded credentials — private keys,
 * cloud/API tokens, JWTs, database URLs with a password, and `password = "…"`-style literals in non-test code. The
 * documented demo/fixture passwords are the only allowed literals (demo data; production refuses the demo default,
 * see libs/config `productionProblems`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Finding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

const RULES: Array<{ rule: string; re: RegExp; inTests: boolean }> = [
  { rule: 'private key', re: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, inTests: true },
  { rule: 'AWS access key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, inTests: true },
  { rule: 'GitHub token', re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{40,}/, inTests: true },
  { rule: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, inTests: true },
  { rule: 'OpenAI/Anthropic-style API key', re: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{24,}/, inTests: true },
  { rule: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/, inTests: true },
  { rule: 'JWT', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, inTests: true },
  {
    rule: 'database URL with a password',
    // placeholders (user:password@, :pass@, :***@, :…@, :<password>@, :${VAR}@) are documentation, not secrets
    re: /\bpostgres(?:ql)?:\/\/[^:/@\s'"`]+:(?!(?:password|pass|secret|\*\*\*|…|\.\.\.|<[^>@]*>|\$\{?\w+\}?)@)[^@/\s'"`]+@/,
    inTests: false,
  },
  {
    rule: 'hard-coded password/secret/token literal',
    re: /(?:password|passwd|secret|api_?key|token)["']?\s*[:=]\s*["'][^"'\s]{8,}["']/i,
    inTests: false,
  },
];

/** Documented demo/fixture values (file → literal). */
const ALLOWED: Array<[string, string]> = [
  ['libs/config/src/env.ts', "DEFAULT_DEMO_PASSWORD = 'hepatoscope-demo'"],
  ['libs/db/src/seed/demo.ts', "DEFAULT_DEMO_PASSWORD = 'hepatoscope-demo'"],
  ['libs/services/src/fixture.ts', "FIXTURE_PASSWORD = 'fixture-password-1'"],
];

/** Test code and test harnesses (fault-injection harnesses start throw-away installs with their own demo password). */
const isTest = (f: string) =>
  /\.(spec|test)\.[cm]?[jt]sx?$/.test(f) || /(^|\/)harness\.[cm]?[jt]s$/.test(f) || f.startsWith('apps/portal-e2e/') || f.includes('/fixtures/');

/** Findings in one file's text. */
export function scanText(file: string, text: string): Finding[] {
  const out: Finding[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    for (const r of RULES) {
      if (!r.inTests && isTest(file)) continue;
      const m = r.re.exec(l);
      if (!m) continue;
      if (ALLOWED.some(([f, lit]) => f === file && l.includes(lit))) continue;
      out.push({ file, line: i + 1, rule: r.rule, text: l.trim().slice(0, 120) });
    }
  });
  return out;
}

const root = path.resolve(__dirname, '../../../..');

describe('no hard-coded secrets in the repository', () => {
  it('the scanner finds planted secrets (so the repository check can fail)', () => {
    const planted = [
      `-----BEGIN RSA ${'PRIVATE'} KEY-----`, // split so that this file itself stays clean
      `const k = 'AKIA${'ABCDEFGHIJKLMNOP'}';`,
      `token: 'ghp_${'a'.repeat(36)}'`,
      `const url = 'postgresql://hs:${'hunter2'}@db.internal:5432/hs';`,
      `const password = '${'correct-horse-battery'}';`,
      `Authorization: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${'x'.repeat(20)}`,
    ];
    const found = planted.flatMap((p) => scanText('libs/x/src/a.ts', p)).map((f) => f.rule);
    expect(found).toEqual([
      'private key',
      'AWS access key',
      'GitHub token',
      'hard-coded password/secret/token literal', // the same line also reads `token: '…'`
      'database URL with a password',
      'hard-coded password/secret/token literal',
      'JWT',
    ]);
    // placeholders and environment look-ups are fine
    expect(scanText('libs/x/src/a.ts', "const s = process.env.HEPATOSCOPE_SESSION_SECRET ?? ''; // postgresql://user:password@host/db")).toEqual([]);
    for (const doc of ['postgresql://user:pass@db-host:5432/hs', 'DATABASE_URL=postgresql://hs:…@db.internal:5432/hs', 'postgres://hs:${PGPASSWORD}@db/hs'])
      expect(scanText('docs/x.md', doc)).toEqual([]);
  });

  it('git ls-files holds none', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(files.length).toBeGreaterThan(100);
    const findings: Finding[] = [];
    for (const f of files) {
      const abs = path.join(root, f);
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch {
        continue; // deleted in the working tree
      }
      if (!st.isFile() || st.size > 2_000_000) continue;
      const buf = fs.readFileSync(abs);
      if (buf.subarray(0, 8000).includes(0)) continue; // binary
      findings.push(...scanText(f, buf.toString('utf8')));
    }
    expect(findings).toEqual([]);
  });
});
