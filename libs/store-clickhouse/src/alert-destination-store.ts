import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { PermanentError } from '@driftwatch/contracts';
import type {
  AlertDestination,
  AlertDestinationInfo,
  AlertDestinationKind,
  AlertDestinationStore,
  SecretCipher,
} from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';

interface Row {
  destination_id: string;
  kind: AlertDestinationKind;
  name: string;
  url_sealed: string;
  secret_sealed: string;
  url_hint: string;
  enabled: number;
  created_at: string;
}

/**
 * Alert destinations per project. The URL (a Slack webhook URL is itself a credential) and the signing secret
 * are sealed with the cipher (AES-256-GCM, bound to project and destination id); lists return only a hint.
 * A deletion is a newer row marked deleted (ReplacingMergeTree, read with FINAL).
 */
export class ClickHouseAlertDestinationStore implements AlertDestinationStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly cipher: SecretCipher,
  ) {}

  async create(
    input: Omit<AlertDestination, 'destinationId' | 'createdAt' | 'urlHint'>,
  ): Promise<AlertDestination> {
    const destinationId = randomUUID();
    const createdAt = new Date().toISOString();
    const context = contextOf(input.projectId, destinationId);
    const urlHint = hintOf(input.url);
    await this.client.insert({
      table: `${this.database}.alert_destinations`,
      values: [
        {
          project_id: input.projectId,
          destination_id: destinationId,
          kind: input.kind,
          name: input.name,
          url_sealed: this.cipher.seal(input.url, context),
          secret_sealed: input.signingSecret ? this.cipher.seal(input.signingSecret, context) : '',
          url_hint: urlHint,
          enabled: input.enabled ? 1 : 0,
          created_at: toClickHouseTime(Date.parse(createdAt)),
          updated_at: toClickHouseTime(Date.now()),
        },
      ],
      format: 'JSONEachRow',
    });
    return { ...input, destinationId, createdAt, urlHint };
  }

  async list(projectId: string): Promise<AlertDestinationInfo[]> {
    const rows = await this.select(projectId, null);
    return rows.map((r) => info(projectId, r));
  }

  async get(projectId: string, destinationId: string): Promise<AlertDestination | null> {
    const [row] = await this.select(projectId, destinationId);
    if (!row) return null;
    const context = contextOf(projectId, destinationId);
    try {
      return {
        ...info(projectId, row),
        url: this.cipher.open(row.url_sealed, context),
        signingSecret: row.secret_sealed ? this.cipher.open(row.secret_sealed, context) : '',
      };
    } catch (error) {
      throw new PermanentError(
        `cannot open the sealed URL or secret of destination ${destinationId} (was DRIFTWATCH_SECRET_KEY changed?)`,
        { cause: error },
      );
    }
  }

  async remove(projectId: string, destinationId: string): Promise<boolean> {
    return this.rewrite(projectId, destinationId, { url_sealed: '', secret_sealed: '', deleted: 1 });
  }

  async setEnabled(projectId: string, destinationId: string, enabled: boolean): Promise<boolean> {
    return this.rewrite(projectId, destinationId, { enabled: enabled ? 1 : 0 });
  }

  /** A newer version of the row with some columns changed; false when there is no such destination. */
  private async rewrite(
    projectId: string,
    destinationId: string,
    changes: Record<string, unknown>,
  ): Promise<boolean> {
    const [row] = await this.select(projectId, destinationId);
    if (!row) return false;
    await this.client.insert({
      table: `${this.database}.alert_destinations`,
      values: [
        {
          ...row,
          project_id: projectId,
          ...changes,
          updated_at: toClickHouseTime(Date.now()),
          created_at: toClickHouseTime(Date.parse(fromClickHouseTime(row.created_at))),
        },
      ],
      format: 'JSONEachRow',
    });
    return true;
  }

  private async select(projectId: string, destinationId: string | null): Promise<Row[]> {
    const result = await this.client.query({
      query: `SELECT destination_id, kind, name, url_sealed, secret_sealed, url_hint, enabled,
                     toString(created_at) AS created_at
              FROM ${this.database}.alert_destinations FINAL
              WHERE project_id = {projectId:String} AND deleted = 0
                ${destinationId === null ? '' : 'AND destination_id = {destinationId:String}'}
              ORDER BY created_at DESC`,
      query_params: { projectId, destinationId: destinationId ?? '' },
      format: 'JSONEachRow',
    });
    return result.json<Row>();
  }
}

function info(projectId: string, row: Row): AlertDestinationInfo {
  return {
    destinationId: row.destination_id,
    projectId,
    kind: row.kind,
    name: row.name,
    urlHint: row.url_hint,
    enabled: Number(row.enabled) === 1,
    createdAt: fromClickHouseTime(row.created_at),
  };
}

const contextOf = (projectId: string, destinationId: string) =>
  `alert-destination:${projectId}:${destinationId}`;

/** Scheme and host only: the path of a Slack webhook URL is its credential. */
function hintOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/…`;
}
