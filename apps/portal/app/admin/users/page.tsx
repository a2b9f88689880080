'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { RequireRole } from '../../../src/components/AppShell';
import { fmtDate, type Role } from '../../../src/lib/contract';
import { errorMessage, useTRPC } from '../../../src/lib/trpc';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  lastLoginAt: string | null;
  lockedUntil: string | null;
  failedLoginCount: number;
  createdAt: string;
}

function Users() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.admin.users.queryOptions());
  const create = useMutation(trpc.admin.createUser.mutationOptions());
  const setDisabled = useMutation(trpc.admin.setUserDisabled.mutationOptions());
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('CLINICIAN');
  const [password, setPassword] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const list = (q.data ?? []) as UserRow[];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErr(null);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) return setErr('Enter a valid e-mail address.');
    if (!name.trim()) return setErr('Enter a name.');
    if (password.length < 12) return setErr('The initial password needs at least 12 characters.');
    try {
      await create.mutateAsync({ email: email.trim(), name: name.trim(), role, password });
      setEmail('');
      setName('');
      setPassword('');
      await qc.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
    } catch (e2) {
      setErr(errorMessage(e2));
    }
  }

  async function toggle(u: UserRow) {
    setErr(null);
    try {
      await setDisabled.mutateAsync({ id: u.id, disabled: u.active });
      await qc.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
    } catch (e2) {
      setErr(errorMessage(e2));
    }
  }

  return (
    <div className="hs-stack">
      <h1>Users and roles</h1>
      <form className="hs-panel hs-row" onSubmit={submit} noValidate>
        <label>
          E-mail
          <input value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} />
        </label>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="CLINICIAN">Clinician</option>
            <option value="TUMOR_BOARD">Tumour board</option>
            <option value="ADMIN">Admin</option>
          </select>
        </label>
        <label>
          Initial password (≥ 12)
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} maxLength={72} />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Add user
        </button>
      </form>
      {err && <ErrorState error={err} />}
      <section className="hs-panel">
        {q.isPending ? (
          <Loading />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : list.length === 0 ? (
          <Empty>No users.</Empty>
        ) : (
          <table data-testid="users-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>E-mail</th>
                <th>Role</th>
                <th>Status</th>
                <th>Last login</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{u.role.replace('_', ' ')}</td>
                  <td>
                    {u.active ? <Badge tone="ok">active</Badge> : <Badge>disabled</Badge>}{' '}
                    {u.lockedUntil && new Date(u.lockedUntil).getTime() > Date.now() && <Badge tone="danger">locked</Badge>}
                  </td>
                  <td>{fmtDate(u.lastLoginAt)}</td>
                  <td>{fmtDate(u.createdAt)}</td>
                  <td>
                    <button type="button" onClick={() => void toggle(u)} disabled={setDisabled.isPending}>
                      {u.active ? 'Disable' : 'Enable'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

export default function UsersPage() {
  return (
    <RequireRole roles={['ADMIN']}>
      <Users />
    </RequireRole>
  );
}
