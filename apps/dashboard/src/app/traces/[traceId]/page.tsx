'use client';
import { useParams } from 'next/navigation';
import { TraceView } from '../../../components/trace/trace-view';

export default function TracePage() {
  const { traceId } = useParams<{ traceId: string }>();
  return <TraceView traceId={traceId} />;
}
