import { ConfigError, DEFAULT_DEMO_PASSWORD, loadConfig, productionProblems } from './env';

const SECRETS = {
  HEPATOSCOPE_SESSION_SECRET: 's'.repeat(40),
  HEPATOSCOPE_DEMO_PASSWORD: 'a-site-specific-password',
  HEPATOSCOPE_PSEUDONYM_KEY: 'p'.repeat(40),
};

describe('production mode (HEPATOSCOPE_ENV=production)', () => {
  it('refuses to start with default or generated secrets, naming each variable', () => {
    let err: unknown;
    try {
      loadConfig({ HEPATOSCOPE_ENV: 'production' }, '/srv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variables.sort()).toEqual(['HEPATOSCOPE_DEMO_PASSWORD', 'HEPATOSCOPE_PSEUDONYM_KEY', 'HEPATOSCOPE_SESSION_SECRET']);
    expect((err as Error).message).toMatch(/Refusing to start in production/);
  });

  it('refuses the documented demo password even when it is set explicitly', () => {
    expect(() => loadConfig({ HEPATOSCOPE_ENV: 'production', ...SECRETS, HEPATOSCOPE_DEMO_PASSWORD: DEFAULT_DEMO_PASSWORD }, '/srv')).toThrow(
      /HEPATOSCOPE_DEMO_PASSWORD: must be set in production to something other than/,
    );
    expect(productionProblems({ ...SECRETS, HEPATOSCOPE_SESSION_SECRET: '  ' }).map((p) => p.variable)).toEqual(['HEPATOSCOPE_SESSION_SECRET']);
  });

  it('starts with every secret from the environment; development keeps the generated defaults', () => {
    const c = loadConfig({ HEPATOSCOPE_ENV: 'PRODUCTION', ...SECRETS }, '/srv');
    expect(c).toMatchObject({ production: true, pseudonymKey: 'p'.repeat(40), sessionSecret: 's'.repeat(40) });
    expect(loadConfig({}, '/srv')).toMatchObject({ production: false, pseudonymKey: undefined });
    expect(() => loadConfig({ HEPATOSCOPE_ENV: 'staging' }, '/srv')).toThrow(/HEPATOSCOPE_ENV must be development or production/);
    expect(() => loadConfig({ HEPATOSCOPE_PSEUDONYM_KEY: 'short' }, '/srv')).toThrow(/HEPATOSCOPE_PSEUDONYM_KEY must be at least 32/);
  });
});
