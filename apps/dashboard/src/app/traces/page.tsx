'use client';
import { Suspense } from 'react';
import { TracesView } from '../../components/traces/traces-view';
import { Loading } from '../../components/states';

export default function TracesPage() {
  return (
    <Suspense fallback={<Loading />}>
      <TracesView />
    </Suspense>
  );
}
