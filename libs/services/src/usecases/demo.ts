import { hashPassword } from '../auth/password';
import type { ResolvedDeps } from '../deps';
import type { Role } from '../types';

/** One demo login per role (documented in the README; password from HEPATOSCOPE_DEMO_PASSWORD). */
export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role: Role }> = [
  { email: 'clinician@demo.hepatoscope', name: 'Demo Clinician', role: 'CLINICIAN' },
  { email: 'board@demo.hepatoscope', name: 'Demo Tumour Board', role: 'TUMOR_BOARD' },
  { email: 'admin@demo.hepatoscope', name: 'Demo Admin', role: 'ADMIN' },
];

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
