'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState, type FormEvent } from 'react';
import type { SessionUser } from '../../src/lib/contract';
import { homeFor } from '../../src/lib/session';
import { errorMessage, setCsrfToken, useTRPC } from '../../src/lib/trpc';

function LoginForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const params = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const login = useMutation(trpc.auth.login.mutationOptions());

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) return setFormError('Enter a valid e-mail address.');
    if (!password) return setFormError('Enter your password.');
    try {
      const res = (await login.mutateAsync({ email: email.trim(), password })) as { user: SessionUser; csrfToken: string };
      setCsrfToken(res.csrfToken);
      qc.setQueryData(trpc.auth.me.queryKey(), res as never);
      const next = params.get('next');
      router.replace(next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : homeFor(res.user.role));
    } catch {
      /* shown below */
    }
  }

  return (
    <form className="hs-login" onSubmit={submit} noValidate>
      <h1>
        <span className="hs-logo" aria-hidden>◐</span> Hepatoscope
      </h1>
      <p className="hs-muted">HCC precision imaging · sign in</p>
      <label>
        E-mail
        <input name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {(formError || login.error) && (
        <div className="hs-state hs-error" role="alert">
          {formError ?? errorMessage(login.error)}
        </div>
      )}
      <button type="submit" className="primary" disabled={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      <p className="hs-muted hs-small">Research software — not a medical device. Synthetic demo data is labelled SYNTHETIC.</p>
    </form>
  );
}

export default function LoginPage() {
  return (
    <Suspense>
      <LoginForm />
    </Suspense>
  );
}
