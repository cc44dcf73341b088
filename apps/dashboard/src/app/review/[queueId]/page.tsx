'use client';
import { useParams } from 'next/navigation';
import { ReviewScreen } from '../../../components/review/review-screen';

export default function ReviewQueuePage() {
  const { queueId } = useParams<{ queueId: string }>();
  return <ReviewScreen queueId={queueId} />;
}
