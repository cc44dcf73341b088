import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PermanentError } from '@driftwatch/contracts';

/** The files scripts/models/fetch-minilm.sh puts in the model directory (each sha256-pinned there). */
export interface ModelFiles {
  onnxPath: string;
  tokenizerJson: object;
  tokenizerConfig: object;
  /** Word pieces per input, [CLS] and [SEP] included (sentence-transformers' max_seq_length). */
  maxTokens: number;
}

/**
 * Where scripts/models/fetch-minilm.sh puts the model (or finds it): DRIFTWATCH_EMBEDDING_MODEL_DIR, else its
 * cache directory for the chosen source (DRIFTWATCH_EMBEDDING_MODEL_SOURCE pypi or hf).
 */
export function defaultModelDir(env: Record<string, string | undefined>): string {
  if (env['DRIFTWATCH_EMBEDDING_MODEL_DIR']) return env['DRIFTWATCH_EMBEDDING_MODEL_DIR'];
  const cache = env['DRIFTWATCH_CACHE'] || join(homedir(), '.cache', 'driftwatch');
  const name = env['DRIFTWATCH_EMBEDDING_MODEL_SOURCE'] === 'hf' ? 'all-MiniLM-L6-v2-hf' : 'all-MiniLM-L6-v2';
  return join(cache, 'models', name);
}

export async function readModelFiles(dir: string): Promise<ModelFiles> {
  const json = async (name: string): Promise<Record<string, unknown>> => {
    try {
      return JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new PermanentError(
        `embedding model file ${join(dir, name)} is missing or unreadable; run scripts/models/fetch-minilm.sh`,
        { cause: error },
      );
    }
  };
  const [tokenizerJson, tokenizerConfig, stConfig] = await Promise.all([
    json('tokenizer.json'),
    json('tokenizer_config.json'),
    json('sentence_bert_config.json'),
  ]);
  const maxTokens = stConfig['max_seq_length'];
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 3) {
    throw new PermanentError(`${join(dir, 'sentence_bert_config.json')} has no valid max_seq_length`);
  }
  return { onnxPath: join(dir, 'model.onnx'), tokenizerJson, tokenizerConfig, maxTokens };
}
