/**
 * Set-up shared by the integration specs of services, api-trpc and the API host: a fresh test database with the
 * services fixture (`createFixture`), the services over it, actors for the fixture's users, and a logged-in request
 * for the tRPC context. Its own entry point (`@hepatoscope/testing/fixtures`) because it loads @hepatoscope/services,
 * which the plain `@hepatoscope/testing` helpers (also used by libs/db and pure-library benches) must not.
 *
 *   let t: TestDatabase; let fx: Fixture; let services: Services;
 *   beforeAll(async () => ({ t, fx, services } = await createFixtureServices({ now: () => clock })));
 *   afterAll(() => t?.cleanup());
 */
import {
  createFixture,
  createServices,
  FIXTURE_PASSWORD,
  type Actor,
  type Fixture,
  type Role,
  type ServiceDeps,
  type Services,
} from '@hepatoscope/services';
import type { RequestInfo } from '@hepatoscope/api-trpc';
import type { Db, Prisma } from '@hepatoscope/db';
import { createTestDatabase, type CreateTestDatabaseOptions, type TestDatabase } from './database';

/** A test database with the services fixture in it. */
export interface FixtureDatabase {
  t: TestDatabase;
  fx: Fixture;
}

/** `createTestDatabase()` + `createFixture` (files under `t.filesDir`). */
export async function createFixtureDatabase(options: CreateTestDatabaseOptions = {}): Promise<FixtureDatabase> {
  const t = await createTestDatabase(options);
  return { t, fx: await createFixture(t.db.prisma, t.filesDir) };
}

/** Services over a test database: its Prisma client, kind and `filesDir`, bcrypt cost 4, then `deps` on top. */
export function servicesFor(t: TestDatabase, deps: Partial<ServiceDeps> = {}): Services {
  return createServices({ prisma: t.db.prisma, dbKind: t.db.kind, filesDir: t.filesDir, bcryptCost: 4, ...deps });
}

/** `createFixtureDatabase()` and `servicesFor(t, deps)`. */
export async function createFixtureServices(
  deps: Partial<ServiceDeps> = {},
): Promise<FixtureDatabase & { services: Services }> {
  const { t, fx } = await createFixtureDatabase();
  return { t, fx, services: servicesFor(t, deps) };
}

/** A scoring model as published models are stored: version 1.0.0, VALIDATED, origin PUBLISHED, empty card. */
export function createPublishedModel(
  prisma: Db,
  data: Omit<Prisma.ModelUncheckedCreateInput, 'version' | 'status' | 'origin' | 'modelCard'>,
) {
  return prisma.model.create({
    data: { version: '1.0.0', status: 'VALIDATED', origin: 'PUBLISHED', modelCard: {}, ...data },
  });
}

export type FixtureUser = keyof Fixture['users'];

/**
 * The Actor of a fixture user, as the tRPC context would build it: name = the user's key, session `s`, client
 * `::1`, unless `over` says otherwise (audit rows record `clientAddress`).
 */
export function fixtureActor(
  fx: Fixture,
  user: FixtureUser,
  over: Partial<Omit<Actor, 'userId' | 'role'>> = {},
): Actor {
  const u = fx.users[user];
  return {
    userId: u.id,
    email: u.email,
    name: user,
    role: u.role as Role,
    sessionId: 's',
    clientAddress: '::1',
    ...over,
  };
}

/** The `meta` argument of `services.auth.login` for a test client. */
export const loginMeta = (clientAddress: string, userAgent = 'jest') => ({
  clientAddress,
  userAgent,
  previousToken: null,
});

export interface TestClient {
  clientAddress: string;
  /** Default `jest`. */
  userAgent?: string;
}

/** A tRPC `RequestInfo` of a test client (cookie setters that do nothing); anonymous without a token. */
export function testRequest(
  client: TestClient,
  sessionToken: string | null = null,
  csrfHeader: string | null = null,
): RequestInfo {
  return {
    sessionToken,
    csrfHeader,
    clientAddress: client.clientAddress,
    userAgent: client.userAgent ?? 'jest',
    setSessionCookie: () => {},
    clearSessionCookie: () => {},
  };
}

/**
 * Logs `email` in (password `FIXTURE_PASSWORD`) through the services and returns the request of that session, with
 * the session's CSRF token as header when `csrf` is 'valid' (default), none for 'missing', a wrong one for 'wrong'.
 */
export async function loggedInRequest(
  services: Services,
  email: string,
  client: TestClient & { csrf?: 'valid' | 'missing' | 'wrong' },
): Promise<RequestInfo> {
  const { token, session } = await services.auth.login(
    email,
    FIXTURE_PASSWORD,
    loginMeta(client.clientAddress, client.userAgent),
  );
  const csrf = client.csrf ?? 'valid';
  const header = csrf === 'valid' ? session.csrfToken : csrf === 'wrong' ? 'x'.repeat(43) : null;
  return testRequest(client, token, header);
}
