'use client';
import { useParams } from 'next/navigation';
import { TopicDetailView } from '../../../components/topics/topic-detail';

export default function TopicPage() {
  const { topicId } = useParams<{ topicId: string }>();
  return <TopicDetailView topicId={topicId} />;
}
