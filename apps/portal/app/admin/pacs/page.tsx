'use client';
import { RequireRole } from '../../../src/components/AppShell';
import { PacsSettingsForm } from '../../../src/pacs/PacsSettingsForm';

/** Admin: the DICOMweb connection (URL, authentication, timeout) and a connection test. */
export default function PacsSettingsPage() {
  return (
    <RequireRole roles={['ADMIN']}>
      <div className="hs-stack">
        <h1>PACS settings</h1>
        <PacsSettingsForm />
      </div>
    </RequireRole>
  );
}
