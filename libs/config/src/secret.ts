import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type HepatoscopeConfig } from './env';

/**
 * The session secret: `HEPATOSCOPE_SESSION_SECRET` when set; otherwise the one stored in
 * `<dataDir>/session-secret`, generated (32 random bytes, base64url, file mode 0600) on first use.
 * Throws `ConfigError` naming HEPATOSCOPE_DATA_DIR when the file cannot be read or written.
 */
export function resolveSessionSecret(config: Pick<HepatoscopeConfig, 'sessionSecret' | 'dataDir'>): string {
  if (config.sessionSecret) return config.sessionSecret;
  const file = path.join(config.dataDir, 'session-secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}. Fix the file or set HEPATOSCOPE_SESSION_SECRET / HEPATOSCOPE_DATA_DIR.`, [
        'HEPATOSCOPE_DATA_DIR',
      ]);
    }
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  } catch (err) {
    throw new ConfigError(
      `Cannot store a generated session secret in ${file}: ${(err as Error).message}. Set HEPATOSCOPE_DATA_DIR to a writable directory or set HEPATOSCOPE_SESSION_SECRET.`,
      ['HEPATOSCOPE_DATA_DIR'],
    );
  }
  return secret;
}
