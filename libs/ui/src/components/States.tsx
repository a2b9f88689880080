import type { ReactNode } from 'react';

/** Spinner + message while data loads. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="hs-state hs-loading" role="status" aria-live="polite">
      <span className="hs-spinner" aria-hidden /> {label}
    </div>
  );
}

/** Error box with the message and an optional retry. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const msg = error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong';
  return (
    <div className="hs-state hs-error" role="alert">
      <strong>Error:</strong> {msg}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Neutral message when a list has nothing to show. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="hs-state hs-empty">{children}</div>;
}

/** Small coloured label (e.g. "SYNTHETIC", a BCLC stage, a model status). */
export function Badge({ children, tone = 'neutral', title }: { children: ReactNode; tone?: 'neutral' | 'warn' | 'ok' | 'danger' | 'info'; title?: string }) {
  return (
    <span className={`hs-badge hs-badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
