/**
 * Public types of the service layer: who is calling (`Actor`), sessions, and the DTOs the use cases return.
 * DTOs are plain JSON (dates as ISO strings) so that they cross tRPC unchanged without a transformer and the
 * portal's inferred types are exactly what it receives.
 */
export const ROLES = ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface SessionInfo {
  sessionId: string;
  user: UserView;
  csrfToken: string;
  /** ISO time. */
  expiresAt: string;
}

/** The authenticated caller of a use case. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  role: Role;
  sessionId: string;
  clientAddress: string;
}

export interface AuditEventView {
  id: string;
  at: string;
  userId: string | null;
  userEmail: string | null;
  userRole: Role | null;
  action: string;
  entity: string;
  entityId: string | null;
  outcome: 'SUCCESS' | 'DENIED' | 'FAILURE';
  clientAddress: string;
  details: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
}
