import { roleProcedure, router } from '../trpc';
import { auditQueryInput, llmSettingsInput, userCreateInput, userDisableInput } from '../inputs';

export const adminRouter = router({
  users: roleProcedure('ADMIN').query(({ ctx }) => ctx.services.admin.users()),

  createUser: roleProcedure('ADMIN')
    .meta({
      audit: {
        action: 'user.create',
        entity: 'User',
        id: (_, out) => (out as { id?: string } | undefined)?.id ?? null,
      },
    })
    .input(userCreateInput)
    .mutation(({ ctx, input }) => ctx.services.admin.createUser(ctx.actor, input)),

  setUserDisabled: roleProcedure('ADMIN')
    .meta({ audit: { action: 'user.update', entity: 'User', id: (input) => (input as { id?: string })?.id ?? null } })
    .input(userDisableInput)
    .mutation(({ ctx, input }) => ctx.services.admin.setUserDisabled(ctx.actor, input.id, input.disabled)),

  /** Append-only audit trail, newest first. */
  audit: roleProcedure('ADMIN')
    .input(auditQueryInput)
    .query(({ ctx, input }) => ctx.services.audit.query(input)),

  /** Report-rewrite endpoint settings (the API key is never returned, only `hasApiKey`). */
  llmSettings: roleProcedure('ADMIN').query(({ ctx }) => ctx.services.llm.getSettings()),

  setLlmSettings: roleProcedure('ADMIN')
    .meta({
      audit: {
        action: 'settings.llm.update',
        entity: 'AppSetting',
        id: () => 'llm.rewrite',
        details: (input) => ({ enabled: (input as { enabled?: boolean })?.enabled }),
      },
    })
    .input(llmSettingsInput)
    .mutation(({ ctx, input }) => ctx.services.llm.setSettings(ctx.actor, input)),
});
