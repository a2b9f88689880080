'use client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '@hepatoscope/api-trpc';
import { useState, type ReactNode } from 'react';
import { errorCode, getCsrfToken, TRPCProvider } from '../src/lib/trpc';
import { SessionProvider } from '../src/lib/session';

function onAuthError(err: unknown) {
  if (typeof window === 'undefined') return;
  if (errorCode(err) === 'UNAUTHORIZED' && !window.location.pathname.startsWith('/login')) {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`/login?next=${next}`);
  }
}

/** Query client + tRPC client (batched HTTP to /api/trpc with the CSRF header) + session context. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onAuthError }),
        mutationCache: new MutationCache({ onError: onAuthError }),
        defaultOptions: {
          queries: {
            staleTime: 15_000,
            refetchOnWindowFocus: false,
            // 4xx answers (validation, auth, not found) will not change on retry
            retry: (count, err) => {
              const status = (err as { data?: { httpStatus?: number } }).data?.httpStatus;
              return !(status && status >= 400 && status < 500) && count < 2;
            },
          },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: typeof window === 'undefined' ? `http://127.0.0.1:${process.env.API_PORT ?? 3001}/api/trpc` : '/api/trpc',
          headers() {
            const t = getCsrfToken();
            return t ? { 'x-hepatoscope-csrf': t } : {};
          },
          fetch(url, opts) {
            return fetch(url, { ...opts, credentials: 'same-origin' });
          },
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <SessionProvider>{children}</SessionProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
