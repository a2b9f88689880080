'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Badge, ErrorState, Loading } from '@hepatoscope/ui';
import { errorMessage, useTRPC } from '../lib/trpc';
import { validatePacsSettings, type AuthType } from './validate';

interface SettingsView {
  configured: boolean;
  source: 'settings' | 'env' | 'none';
  url: string | null;
  authType: AuthType;
  username: string | null;
  hasSecret: boolean;
  timeoutMs: number;
}

/** Admin form for the DICOMweb connection: URL, authentication (secrets are write-only), timeout, connection test. */
export function PacsSettingsForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.pacs.settings.queryOptions());
  const save = useMutation(trpc.pacs.setSettings.mutationOptions());
  const test = useMutation(trpc.pacs.testConnection.mutationOptions());
  const s = q.data as SettingsView | undefined;
  const [url, setUrl] = useState('');
  const [authType, setAuthType] = useState<AuthType>('none');
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const [timeoutS, setTimeoutS] = useState('60');
  const [err, setErr] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  // the form starts from the active settings (never a secret: the API does not return them)
  useEffect(() => {
    if (!s) return;
    setUrl(s.url ?? '');
    setAuthType(s.authType);
    setUsername(s.username ?? '');
    setSecret('');
    setTimeoutS(String(Math.round(s.timeoutMs / 1000)));
  }, [s]);

  const sameType = !!s && s.source === 'settings' && s.authType === authType;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErr(null);
    setSaved(false);
    test.reset();
    const problem = validatePacsSettings({ url, authType, username, secret, hasSecret: !!s?.hasSecret, sameType, timeoutS });
    if (problem) return setErr(problem);
    const auth =
      authType === 'basic'
        ? { type: 'basic' as const, username: username.trim(), ...(secret ? { password: secret } : {}) }
        : authType === 'bearer'
          ? { type: 'bearer' as const, ...(secret ? { token: secret } : {}) }
          : { type: 'none' as const };
    try {
      await save.mutateAsync({ url: url.trim(), auth, timeoutMs: Number(timeoutS) * 1000 });
      setSecret('');
      setSaved(true);
      await qc.invalidateQueries({ queryKey: trpc.pacs.settings.queryKey() });
    } catch (e2) {
      setErr(errorMessage(e2));
    }
  }

  async function remove() {
    setErr(null);
    setSaved(false);
    test.reset();
    try {
      await save.mutateAsync({ url: null });
      await qc.invalidateQueries({ queryKey: trpc.pacs.settings.queryKey() });
    } catch (e2) {
      setErr(errorMessage(e2));
    }
  }

  if (q.isPending) return <Loading label="Loading PACS settings…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;

  const credentialLabel = authType !== 'bearer' ? 'Password' : 'Bearer token';
  const keepHint = sameType && s?.hasSecret ? 'stored · leave empty to keep it' : '';
  return (
    <div className="hs-stack">
      <section className="hs-panel hs-stack" data-testid="pacs-status">
        <div className="hs-row">
          <strong>Active connection:</strong>
          {s?.configured ? <Badge tone="ok">configured</Badge> : <Badge tone="warn">not configured</Badge>}
          <span className="hs-muted">
            {s?.source === 'settings' ? 'from these settings' : s?.source === 'env' ? 'from the server environment (HEPATOSCOPE_DICOMWEB_URL)' : 'no URL saved and none in the environment'}
          </span>
        </div>
        {s?.configured && (
          <div className="hs-small">
            <span data-testid="pacs-active-url">{s.url}</span> · authentication {s.authType}
            {s.username ? ` (user ${s.username})` : ''}
            {s.authType !== 'none' ? (s.hasSecret ? ' · secret stored' : ' · no secret stored') : ''} · timeout {Math.round(s.timeoutMs / 1000)} s
          </div>
        )}
      </section>

      <form className="hs-panel hs-stack" onSubmit={submit} noValidate data-testid="pacs-settings-form">
        <div className="hs-row">
          <label style={{ flex: '1 1 28rem' }}>
            DICOMweb URL
            <input name="url" value={url} onChange={(e) => setUrl(e.target.value)} maxLength={500} placeholder="http://pacs.example.org:8042/dicom-web" />
          </label>
          <label>
            Timeout (s)
            <input name="timeout" inputMode="numeric" value={timeoutS} onChange={(e) => setTimeoutS(e.target.value)} size={5} />
          </label>
        </div>
        <div className="hs-row">
          <label>
            Authentication
            <select name="authType" value={authType} onChange={(e) => { setAuthType(e.target.value as AuthType); setSecret(''); }}>
              <option value="none">None</option>
              <option value="basic">HTTP basic (user + password)</option>
              <option value="bearer">Bearer token</option>
            </select>
          </label>
          {authType === 'basic' && (
            <label>
              User name
              <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} maxLength={200} autoComplete="off" />
            </label>
          )}
          {authType !== 'none' && (
            <label>
              {credentialLabel}
              <input name="secret" type="password" placeholder={keepHint} size={32} value={secret} onChange={(e) => setSecret(e.target.value)} maxLength={authType === 'bearer' ? 4000 : 500} autoComplete="new-password" />
            </label>
          )}
        </div>
        <div className="hs-row">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </button>
          <button type="button" onClick={() => { setErr(null); test.mutate(); }} disabled={test.isPending || !s?.configured} title={s?.configured ? 'One QIDO-RS query with the active settings' : 'Save a URL first'}>
            {test.isPending ? 'Testing…' : 'Test connection'}
          </button>
          {s?.source === 'settings' && (
            <button type="button" onClick={() => void remove()} disabled={save.isPending}>
              Remove saved settings
            </button>
          )}
          {saved && <span role="status" data-testid="pacs-saved"><Badge tone="ok">saved</Badge></span>}
        </div>
      </form>
      {err && <ErrorState error={err} />}
      {test.isError && <ErrorState error={errorMessage(test.error)} />}
      {test.data && (
        <div className="hs-state" role="status" data-testid="pacs-test-result">
          <Badge tone="ok">connected</Badge> {test.data.url} answered in {test.data.latencyMs} ms.
        </div>
      )}
    </div>
  );
}
