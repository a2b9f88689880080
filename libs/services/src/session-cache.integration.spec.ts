/**
 * The in-process session cache (sessionCacheMs, 5 s): logout and disabling a user take effect at once in this
 * process; a revocation made elsewhere (another API process, SQL) takes effect when the entry expires.
 * PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, loginMeta } from '@hepatoscope/testing/fixtures';
import type { Services } from './index';
import { FIXTURE_PASSWORD, type Fixture } from './fixture';
import type { Actor } from './types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let clock = new Date('2026-04-01T10:00:00Z');
const meta = loginMeta('10.0.0.9');

beforeAll(async () => ({ t, fx, services } = await createFixtureServices({ now: () => clock })));
afterAll(() => t?.cleanup());

const actorOf = (s: { sessionId: string; user: { id: string; email: string; role: Actor['role'] } }): Actor => ({
  userId: s.user.id,
  email: s.user.email,
  name: 'x',
  role: s.user.role,
  sessionId: s.sessionId,
  clientAddress: '10.0.0.9',
});

it('logout revokes a cached session at once', async () => {
  const { token, session } = await services.auth.login(fx.users.clinician.email, FIXTURE_PASSWORD, meta);
  expect(await services.auth.resolveSession(token)).not.toBeNull(); // now cached
  await services.auth.logout(actorOf(session));
  expect(await services.auth.resolveSession(token)).toBeNull();
});

it('disabling a user drops their cached sessions at once', async () => {
  const { token } = await services.auth.login(fx.users.clinician2.email, FIXTURE_PASSWORD, meta);
  expect(await services.auth.resolveSession(token)).not.toBeNull();
  const admin = await services.auth.login(fx.users.admin.email, FIXTURE_PASSWORD, meta);
  await services.admin.setUserDisabled(actorOf(admin.session), fx.users.clinician2.id, true);
  expect(await services.auth.resolveSession(token)).toBeNull();
  await services.admin.setUserDisabled(actorOf(admin.session), fx.users.clinician2.id, false);
});

it('a revocation made outside this process applies when the cache entry expires (5 s)', async () => {
  const { token, session } = await services.auth.login(fx.users.clinician.email, FIXTURE_PASSWORD, meta);
  expect(await services.auth.resolveSession(token)).not.toBeNull();
  await t.db.prisma.session.update({ where: { id: session.sessionId }, data: { revokedAt: clock } });
  expect(await services.auth.resolveSession(token)).not.toBeNull(); // still cached
  clock = new Date(clock.getTime() + 5_001);
  expect(await services.auth.resolveSession(token)).toBeNull();
});

it('audit group commit: concurrent events are all stored; one bad event fails alone', async () => {
  const before = await t.db.prisma.auditEvent.count({ where: { action: 'test.batch' } });
  const ev = (i: number) => ({ userId: null, action: 'test.batch', entityType: 'Test', entityId: String(i) });
  const results = await Promise.allSettled([
    ...Array.from({ length: 30 }, (_, i) => services.audit.record(ev(i))),
    services.audit.record({ ...ev(99), outcome: 'BOGUS' as never }),
    ...Array.from({ length: 9 }, (_, i) => services.audit.record(ev(100 + i))),
  ]);
  expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  expect(results[30]!.status).toBe('rejected');
  expect(await t.db.prisma.auditEvent.count({ where: { action: 'test.batch' } })).toBe(before + 39);
});
