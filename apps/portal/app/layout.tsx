import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { Providers } from './providers';
import { AppShell } from '../src/components/AppShell';
import './globals.css';

export const metadata: Metadata = {
  title: 'Hepatoscope',
  description: 'HCC precision imaging: worklist, multi-phase viewer, predictions, tumour board and model lab',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <AppShell>{children}</AppShell>
        </Providers>
      </body>
    </html>
  );
}
