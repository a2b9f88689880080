'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Empty, ErrorState, Loading, Pagination } from '@hepatoscope/ui';
import { RequireRole } from '../../../src/components/AppShell';
import { useTRPC } from '../../../src/lib/trpc';

interface AuditRow {
  id: string;
  at: string;
  userId: string | null;
  userEmail: string | null;
  userRole: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  outcome: string;
  clientAddress: string;
  details: unknown;
}

const PAGE_SIZE = 50;

function Audit() {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const [entity, setEntity] = useState('');
  const [action, setAction] = useState('');
  const input = { page, pageSize: PAGE_SIZE, ...(entity.trim() ? { entity: entity.trim() } : {}), ...(action.trim() ? { action: action.trim() } : {}) };
  const q = useQuery({ ...trpc.admin.audit.queryOptions(input), placeholderData: keepPreviousData });
  const data = q.data as { items: AuditRow[]; total: number } | undefined;
  return (
    <div className="hs-stack">
      <div className="hs-row">
        <h1 style={{ marginRight: 'auto' }}>Audit log</h1>
        <label>
          Entity
          <input value={entity} maxLength={60} onChange={(e) => { setEntity(e.target.value); setPage(1); }} placeholder="Patient, Model…" />
        </label>
        <label>
          Action
          <input value={action} maxLength={60} onChange={(e) => { setAction(e.target.value); setPage(1); }} placeholder="READ, PREDICT…" />
        </label>
      </div>
      <section className="hs-panel">
        {q.isPending ? (
          <Loading />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : !data || data.items.length === 0 ? (
          <Empty>No audit events match.</Empty>
        ) : (
          <>
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th>Time (UTC)</th>
                  <th>User</th>
                  <th>Action</th>
                  <th>Entity</th>
                  <th>Outcome</th>
                  <th>Client</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((a) => (
                  <tr key={a.id}>
                    <td className="hs-small">{a.at.replace('T', ' ').slice(0, 19)}</td>
                    <td>
                      {a.userEmail ?? '—'} <span className="hs-muted hs-small">{a.userRole ?? ''}</span>
                    </td>
                    <td>{a.action}</td>
                    <td>
                      {a.entity} <span className="hs-muted hs-small">{a.entityId ?? ''}</span>
                    </td>
                    <td>
                      <Badge tone={a.outcome === 'SUCCESS' ? 'ok' : 'danger'}>{a.outcome}</Badge>
                    </td>
                    <td className="hs-small">{a.clientAddress}</td>
                    <td className="hs-small hs-muted">{a.details ? JSON.stringify(a.details).slice(0, 120) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination page={page} pageSize={PAGE_SIZE} total={data.total} onPage={setPage} />
          </>
        )}
      </section>
    </div>
  );
}

export default function AuditPage() {
  return (
    <RequireRole roles={['ADMIN']}>
      <Audit />
    </RequireRole>
  );
}
