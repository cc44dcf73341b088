'use client';
import { Suspense } from 'react';
import { Overview } from '../components/overview/overview';
import { Loading } from '../components/states';

export default function OverviewPage() {
  return (
    <Suspense fallback={<Loading />}>
      <Overview />
    </Suspense>
  );
}
