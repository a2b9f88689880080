'use client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@hepatoscope/api-trpc';

/** Typed tRPC hooks for the portal (the router is a TYPE-only import; the portal talks HTTP to /api/trpc). */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * CSRF token of the current session (from auth.login / auth.me). Sent as `x-hepatoscope-csrf` on every request;
 * the API checks it on mutations. Kept in memory only (never in storage).
 */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Message of a tRPC/HTTP error for display, including zod field issues when the server sent them. */
export function errorMessage(err: unknown): string {
  if (!err) return '';
  const e = err as { message?: string; data?: { zodIssues?: { path: string; message: string }[] | null } };
  const issues = e.data?.zodIssues;
  if (issues && issues.length) return issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ');
  return e.message ?? String(err);
}

/** tRPC error code (UNAUTHORIZED, FORBIDDEN, …) if the error carries one. */
export function errorCode(err: unknown): string | undefined {
  return (err as { data?: { code?: string } } | null)?.data?.code;
}
