import { DomainError } from '../errors';
import { hashPassword } from '../auth/password';
import type { ResolvedDeps } from '../deps';
import type { Actor, Role } from '../types';

/** User administration. Users are never deleted (the audit trail refers to them); they are disabled. */
export function createAdminService(deps: ResolvedDeps) {
  const { prisma } = deps;
  const select = {
    id: true,
    email: true,
    name: true,
    role: true,
    active: true,
    lastLoginAt: true,
    lockedUntil: true,
    failedLoginCount: true,
    createdAt: true,
  } as const;
  const dto = (u: {
    id: string;
    email: string;
    name: string;
    role: Role;
    active: boolean;
    lastLoginAt: Date | null;
    lockedUntil: Date | null;
    failedLoginCount: number;
    createdAt: Date;
  }) => ({
    ...u,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    lockedUntil: u.lockedUntil?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  });
  return {
    async users() {
      const rows = await prisma.user.findMany({ orderBy: { email: 'asc' }, select });
      return rows.map(dto);
    },

    async createUser(_actor: Actor, input: { email: string; name: string; role: Role; password: string }) {
      if (await prisma.user.count({ where: { email: input.email } }))
        throw new DomainError('CONFLICT', `A user with e-mail ${input.email} already exists`);
      const u = await prisma.user.create({
        data: {
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash: await hashPassword(input.password, deps.bcryptCost),
        },
        select,
      });
      return dto(u);
    },

    async setUserDisabled(actor: Actor, id: string, disabled: boolean) {
      if (id === actor.userId && disabled) throw new DomainError('INVALID', 'You cannot disable your own account');
      const u = await prisma.user.findUnique({ where: { id }, select: { id: true } });
      if (!u) throw new DomainError('NOT_FOUND', `User ${id} was not found`);
      const now = deps.now();
      const updated = await prisma.$transaction(async (tx) => {
        const r = await tx.user.update({ where: { id }, data: { active: !disabled }, select });
        if (disabled) await tx.session.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: now } });
        return r;
      });
      return dto(updated);
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
