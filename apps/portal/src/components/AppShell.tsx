'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { Loading } from '@hepatoscope/ui';
import type { Role } from '../lib/contract';
import { useSession } from '../lib/session';
import { confirmDiscardUnsavedEdits } from '../viewer/editing';

const NAV: { href: string; label: string; roles: Role[] }[] = [
  { href: '/worklist', label: 'Worklist', roles: ['CLINICIAN', 'TUMOR_BOARD'] },
  { href: '/board', label: 'Tumour board', roles: ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN'] },
  { href: '/lab', label: 'Model lab', roles: ['CLINICIAN', 'ADMIN'] },
  { href: '/models', label: 'Models', roles: ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN'] },
  { href: '/pacs', label: 'PACS', roles: ['CLINICIAN', 'ADMIN'] },
  { href: '/admin/cohorts', label: 'Cohorts', roles: ['ADMIN'] },
  { href: '/admin/users', label: 'Users', roles: ['ADMIN'] },
  { href: '/admin/audit', label: 'Audit log', roles: ['ADMIN'] },
];

/** Top bar with the role's navigation; sends anonymous visitors to /login (except on /login itself). */
export function AppShell({ children }: { children: ReactNode }) {
  const { user, loading, logout } = useSession();
  const pathname = usePathname() ?? '/';
  const router = useRouter();
  const onLogin = pathname.startsWith('/login');
  useEffect(() => {
    if (!loading && !user && !onLogin) router.replace(`/login?next=${encodeURIComponent(pathname)}`);
  }, [loading, user, onLogin, pathname, router]);

  if (onLogin) return <main className="hs-login-main">{children}</main>;
  // Children render (hidden) while the session loads, so their queries and code start in parallel with auth.me;
  // an anonymous visitor is redirected to /login by the effect above.
  const ready = !loading && !!user;
  return (
    <div className="hs-app">
      {user && (
        <header className="hs-topbar">
          <Link href="/" className="hs-brand">
            <span className="hs-logo" aria-hidden>◐</span> Hepatoscope
          </Link>
          <nav className="hs-nav" aria-label="Main">
            {NAV.filter((n) => n.roles.includes(user.role)).map((n) => (
              <Link key={n.href} href={n.href} className={pathname.startsWith(n.href) ? 'active' : ''}>
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="hs-user">
            <span data-testid="current-user">{user.name}</span>
            <span className="hs-role">{user.role.replace('_', ' ')}</span>
            <button type="button" onClick={() => confirmDiscardUnsavedEdits() && void logout()}>
              Sign out
            </button>
          </div>
        </header>
      )}
      <main className="hs-main">
        {!ready && <Loading label="Checking session…" />}
        <div hidden={!ready}>{children}</div>
      </main>
    </div>
  );
}

/** Renders children only for the given roles; explains the refusal otherwise. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user, loading } = useSession();
  if (loading) return <>{children}</>; // optimistic while the session loads (the shell keeps it hidden)
  if (!user) return null;
  if (!roles.includes(user.role)) {
    return (
      <div className="hs-state hs-error" role="alert">
        This page is for {roles.join(' / ').replace(/_/g, ' ')}; you are signed in as {user.role.replace('_', ' ')}.
      </div>
    );
  }
  return <>{children}</>;
}
