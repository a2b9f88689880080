'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Loading } from '@hepatoscope/ui';
import { homeFor, useSession } from '../src/lib/session';

/** "/" sends each role to its landing page. */
export default function Home() {
  const { user } = useSession();
  const router = useRouter();
  useEffect(() => {
    if (user) router.replace(homeFor(user.role));
  }, [user, router]);
  return <Loading />;
}
