'use client';
import { useEffect, useState } from 'react';
import { formatElapsed } from './format';

/** A spinner with the elapsed time, for synchronous work that reports no progress (cross-validated training). */
export function Elapsed({ since, label }: { since: number; label: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="hs-state" role="status" aria-live="polite" data-testid="training-progress">
      <span className="hs-spinner" aria-hidden /> {label} · {formatElapsed(now - since)}
    </div>
  );
}
