import { roleProcedure, router } from '../trpc';
import { auditQueryInput, userCreateInput, userDisableInput } from '../inputs';

export const adminRouter = router({
  users: roleProcedure('ADMIN').query(({ ctx }) => ctx.services.admin.users()),

  createUser: roleProcedure('ADMIN')
    .meta({ audit: { action: 'user.create', entity: 'User', id: (_, out) => (out as { id?: string } | undefined)?.id ?? null } })
    .input(userCreateInput)
    .mutation(({ ctx, input }) => ctx.services.admin.createUser(ctx.actor, input)),

  setUserDisabled: roleProcedure('ADMIN')
    .meta({ audit: { action: 'user.update', entity: 'User', id: (input) => (input as { id?: string })?.id ?? null } })
    .input(userDisableInput)
    .mutation(({ ctx, input }) => ctx.services.admin.setUserDisabled(ctx.actor, input.id, input.disabled)),

  /** Append-only audit trail, newest first. */
  audit: roleProcedure('ADMIN').input(auditQueryInput).query(({ ctx, input }) => ctx.services.audit.query(input)),
});
