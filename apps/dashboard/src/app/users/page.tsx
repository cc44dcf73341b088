'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Loading } from '../../components/states';

/** Accounts moved to /team ("Users" now means the end users of traced applications, at /end-users). */
export default function UsersRedirect() {
  const router = useRouter();
  useEffect(() => router.replace('/team'), [router]);
  return <Loading label="Opening Team" />;
}
