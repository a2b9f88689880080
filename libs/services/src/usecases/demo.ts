import { DEMO_USERS as DB_DEMO_USERS } from '@hepatoscope/db';
import { hashPassword } from '../auth/password';
import type { ResolvedDeps } from '../deps';
import type { Role } from '../types';

/** One demo login per role: the same accounts as the database demo seed (`seedDemo` in @hepatoscope/db). */
export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role: Role }> = DB_DEMO_USERS;

/**
 * Ensures that every role has at least one account: for a role with no user at all, creates its demo login
 * (never changes existing accounts). Returns the e-mails created.
 * The full demo data (cohorts, models, meetings) is the database seed's job; this only guarantees that one can sign in.
 */
export async function ensureDemoUsers(deps: Pick<ResolvedDeps, 'prisma' | 'bcryptCost'>, password: string) {
  const created: string[] = [];
  for (const u of DEMO_USERS) {
    const exists = await deps.prisma.user.count({ where: { OR: [{ role: u.role }, { email: u.email }] } });
    if (exists) continue;
    await deps.prisma.user.create({ data: { ...u, passwordHash: await hashPassword(password, deps.bcryptCost) } });
    created.push(u.email);
  }
  return { created };
}
