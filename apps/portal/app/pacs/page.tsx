'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { RequireRole } from '../../src/components/AppShell';
import { useSession } from '../../src/lib/session';
import { PacsSearch } from '../../src/pacs/PacsSearch';

/** PACS: clinicians search the DICOMweb PACS and import studies; administrators go to the settings. */
export default function PacsPage() {
  const { user } = useSession();
  const router = useRouter();
  const admin = user?.role === 'ADMIN';
  useEffect(() => {
    if (admin) router.replace('/admin/pacs');
  }, [admin, router]);
  if (admin) {
    return (
      <div className="hs-stack">
        <h1>PACS</h1>
        <p>
          Searching and importing studies is for clinicians. Configure the connection under <Link href="/admin/pacs">PACS settings</Link>.
        </p>
      </div>
    );
  }
  return (
    <RequireRole roles={['CLINICIAN']}>
      <div className="hs-stack">
        <h1>PACS</h1>
        <PacsSearch />
      </div>
    </RequireRole>
  );
}
