'use client';
import { useParams } from 'next/navigation';
import { DatasetView } from '../../../components/datasets/dataset-view';

export default function DatasetPage() {
  const { datasetId } = useParams<{ datasetId: string }>();
  return <DatasetView datasetId={datasetId} />;
}
