/**
 * @hepatoscope/config — the validated environment, in one place.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `HEPATOSCOPE_DATA_DIR` | `./.hepatoscope` | data directory: `pgdata/` (embedded PGlite), `files/` (images, masks, models), `session-secret` |
 * | `DATABASE_URL` | unset | `postgresql://…` → use PostgreSQL instead of PGlite; `?schema=name` selects a schema |
 * | `PORT` | `3000` | portal port |
 * | `API_PORT` | `3001` | API port |
 * | `HEPATOSCOPE_SESSION_SECRET` | generated | ≥ 32 chars; when unset, generated once and stored in `<data dir>/session-secret` (mode 0600) |
 * | `HEPATOSCOPE_DEMO_PASSWORD` | `hepatoscope-demo` | password of the seeded demo users |
 * | `HEPATOSCOPE_ENV` | `development` | `production` refuses to start unless the session secret, a non-default demo password and the pseudonym key are set |
 * | `HEPATOSCOPE_PSEUDONYM_KEY` | generated | ≥ 32 chars; HMAC key of export pseudonyms; when unset (not in production), generated once into `<data dir>/pseudonym-key` (0600) |
 * | `LOG_LEVEL` | `info` | `fatal`,`error`,`warn`,`info`,`debug`,`trace`,`silent` |
 */
export * from './env';
export * from './secret';
