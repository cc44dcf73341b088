'use client';
import { useParams } from 'next/navigation';
import { Suspense } from 'react';
import { Loading } from '../../../components/states';
import { TraceView } from '../../../components/trace/trace-view';

export default function TracePage() {
  const { traceId } = useParams<{ traceId: string }>();
  return (
    <Suspense fallback={<Loading label="Loading trace" />}>
      <TraceView traceId={traceId} />
    </Suspense>
  );
}
