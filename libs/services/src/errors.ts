/**
 * Coded errors thrown by use cases. Services never import the transport (tRPC, HTTP); the API maps
 * {@link DomainError.code} to a transport status in exactly one place (`libs/api-trpc/src/errors.ts`).
 *
 * Messages carry context: what was asked, which record, why it failed.
 */
export type DomainErrorCode =
  /** No valid session / credentials. */
  | 'UNAUTHENTICATED'
  /** Authenticated, but the role or the record scope does not allow this action. */
  | 'FORBIDDEN'
  /** The record does not exist (or is outside the caller's scope and must not be revealed). */
  | 'NOT_FOUND'
  /** Input is well-formed but violates a business rule (e.g. model not VALIDATED). */
  | 'INVALID'
  /** Concurrent modification or uniqueness conflict (e.g. stale segmentation version). */
  | 'CONFLICT'
  /** Too many attempts (login lockout). */
  | 'RATE_LIMITED'
  /** The operation needs a component that is not available (e.g. worker not running). */
  | 'UNAVAILABLE';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Optional machine-readable details (e.g. per-row validation report). Never secrets. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Type guard usable across module copies (checks the shape, not only `instanceof`). */
export function isDomainError(e: unknown): e is DomainError {
  return (
    e instanceof DomainError ||
    (typeof e === 'object' &&
      e !== null &&
      (e as { name?: unknown }).name === 'DomainError' &&
      typeof (e as { code?: unknown }).code === 'string')
  );
}

/** Shorthands that read well at the throw site. */
export const notFound = (entity: string, id: string) => new DomainError('NOT_FOUND', `${entity} ${id} was not found`);
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
export const invalid = (message: string, details?: unknown) => new DomainError('INVALID', message, details);
export const conflict = (message: string, details?: unknown) => new DomainError('CONFLICT', message, details);
