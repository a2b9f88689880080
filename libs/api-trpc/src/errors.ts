import { TRPCError } from '@trpc/server';
import { isDomainError, type DomainErrorCode } from '@hepatoscope/services';

type TRPC_ERROR_CODE_KEY = TRPCError['code'];

/**
 * The one place where service errors become transport errors. Services throw coded `DomainError`s; this table
 * decides the tRPC code (and therefore the HTTP status). Anything else is an unexpected failure: it is logged
 * by the server and reaches the client as INTERNAL_SERVER_ERROR without internals.
 */
export const DOMAIN_TO_TRPC: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** Map any error thrown below a procedure to the TRPCError the client should see. */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) {
    if (isDomainError(err.cause)) return toTRPCError(err.cause);
    return err;
  }
  if (isDomainError(err)) {
    return new TRPCError({
      code: DOMAIN_TO_TRPC[err.code] ?? 'INTERNAL_SERVER_ERROR',
      message: err.message,
      cause: err,
    });
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Internal error',
    cause: err instanceof Error ? err : undefined,
  });
}
