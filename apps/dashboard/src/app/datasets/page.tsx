'use client';
import { DatasetsList } from '../../components/datasets/datasets-list';

export default function DatasetsPage() {
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Datasets</h1>
      </div>
      <DatasetsList />
    </div>
  );
}
