'use client';
import '../review/review.css';
import Link from 'next/link';
import { useState } from 'react';
import { formatTime } from '../../lib/format';
import {
  datasetPath,
  exportHref,
  type Dataset,
  type DatasetItem,
  type DatasetVersion,
} from '../../lib/review';
import { useApi } from '../../lib/use-api';
import { useSession } from '../shell/session-context';
import { Empty, ErrorState, Loading } from '../states';
import { NewVersion } from './new-version';

const PAGE = 20;

/** A dataset: its versions (each downloadable in both JSONL formats) and the items of the chosen version. */
export function DatasetView({ datasetId }: { datasetId: string }) {
  const { me, project } = useSession();
  const state = useApi<Dataset & { versions: DatasetVersion[] }>(datasetPath(datasetId));
  const [chosen, setChosen] = useState<number | null>(null);
  if (state.loading && !state.data) return <Loading label="Loading dataset" />;
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return null;
  const versions = [...state.data.versions].sort((a, b) => b.version - a.version);
  const shown = chosen ?? versions[0]?.version ?? null;

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/datasets">Datasets</Link> / {state.data.name}
          </p>
          <h1>{state.data.name}</h1>
          {state.data.description ? <p className="muted small">{state.data.description}</p> : null}
        </div>
      </div>
      {me.role !== 'viewer' ? (
        <NewVersion
          datasetId={datasetId}
          onBuilt={(v) => {
            setChosen(v);
            state.reload();
          }}
        />
      ) : null}
      <section className="card panel" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        {versions.length === 0 ? (
          <Empty title="No versions yet" hint="Build one from the judged items of review queues." />
        ) : (
          <div className="table-scroll">
            <table className="table" aria-label="Versions">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col" className="num">
                    Items
                  </th>
                  <th scope="col">Built</th>
                  <th scope="col">Note</th>
                  <th scope="col">Download (JSONL)</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.version} className={v.version === shown ? 'selected' : undefined}>
                    <td>
                      <button
                        type="button"
                        className="button small"
                        aria-pressed={v.version === shown}
                        onClick={() => setChosen(v.version)}
                      >
                        v{v.version}
                      </button>
                    </td>
                    <td className="num">{v.itemCount}</td>
                    <td className="nowrap">{formatTime(v.createdAt)}</td>
                    <td className="muted">{v.note}</td>
                    <td className="row-actions">
                      <a
                        className="button small"
                        download
                        href={exportHref(project, datasetId, v.version, 'openai')}
                      >
                        OpenAI chat v{v.version}
                      </a>
                      <a
                        className="button small"
                        download
                        href={exportHref(project, datasetId, v.version, 'plain')}
                      >
                        Plain v{v.version}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {shown !== null ? <VersionItems key={shown} datasetId={datasetId} version={shown} /> : null}
    </div>
  );
}

function VersionItems({ datasetId, version }: { datasetId: string; version: number }) {
  const [offset, setOffset] = useState(0);
  const state = useApi<{ items: DatasetItem[]; total: number }>(
    `${datasetPath(datasetId)}/versions/${version}/items?offset=${offset}&limit=${PAGE}`,
  );
  return (
    <section className="card panel" aria-labelledby="items-title">
      <div className="panel-head">
        <h2 id="items-title">Items of v{version}</h2>
        {state.data ? (
          <span className="muted small">
            {state.data.total === 0 ? 0 : offset + 1}–{offset + state.data.items.length} of {state.data.total}
          </span>
        ) : null}
      </div>
      {state.loading ? <Loading /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data && state.data.items.length === 0 ? <Empty title="This version has no items" /> : null}
      {state.data && state.data.items.length > 0 ? (
        <ol className="dataset-items" start={offset + 1} aria-label={`Items of version ${version}`}>
          {state.data.items.map((item) => (
            <li key={item.position} className="dataset-item">
              <div className="dataset-io">
                <div>
                  <p className="muted small">Input</p>
                  {item.input.map((m, i) => (
                    <p key={i} className="dataset-msg">
                      <span className="role">{m.role}</span> {m.content}
                    </p>
                  ))}
                </div>
                <div>
                  <p className="muted small">
                    Expected · {String(item.metadata.source ?? '')} ·{' '}
                    <Link href={`/traces/${item.traceId}`}>trace</Link>
                  </p>
                  <p className="dataset-msg">{item.expected}</p>
                </div>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
      {state.data && state.data.total > PAGE ? (
        <div className="pager">
          <button
            type="button"
            className="button small"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            Previous
          </button>
          <button
            type="button"
            className="button small"
            disabled={offset + PAGE >= state.data.total}
            onClick={() => setOffset(offset + PAGE)}
          >
            Next
          </button>
        </div>
      ) : null}
    </section>
  );
}
