'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { Role, SessionUser } from './contract';
import { setCsrfToken, useTRPC } from './trpc';

interface SessionValue {
  user: SessionUser | null;
  loading: boolean;
  error: unknown;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue>({ user: null, loading: true, error: null, logout: async () => {} });

/** Loads `auth.me` once, keeps the CSRF token in memory, and offers logout. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
  const data = me.data as { user: SessionUser; csrfToken: string } | null | undefined;
  useEffect(() => {
    if (data !== undefined) setCsrfToken(data?.csrfToken ?? null);
  }, [data]);
  const logoutM = useMutation(trpc.auth.logout.mutationOptions());
  const value: SessionValue = {
    user: data?.user ?? null,
    loading: me.isPending,
    error: me.error,
    async logout() {
      try {
        await logoutM.mutateAsync();
      } finally {
        setCsrfToken(null);
        qc.clear();
        window.location.assign('/login');
      }
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  return useContext(SessionContext);
}

/** Landing page of a role: admins have no patient list (patients.list is CLINICIAN/TUMOR_BOARD only). */
export function homeFor(role: Role): string {
  return role === 'ADMIN' ? '/admin/cohorts' : role === 'TUMOR_BOARD' ? '/board' : '/worklist';
}
