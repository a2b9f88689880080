'use client';
import { useParams } from 'next/navigation';
import { RequireRole } from '../../../src/components/AppShell';
import { CaseView } from '../../../src/case/CaseView';

export default function CasePage() {
  const { id } = useParams<{ id: string }>();
  return (
    <RequireRole roles={['CLINICIAN', 'TUMOR_BOARD']}>
      <CaseView patientId={id} />
    </RequireRole>
  );
}
