import type { Deadline, Embedder, EmbeddingBatch } from '@driftwatch/contracts';
import { msLeft, PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { readModelFiles } from './model-files.js';
import { meanPoolNormalized } from './pooling.js';

const DEFAULT_BATCH_SIZE = 8;

export interface LocalEmbedderOptions {
  /** Holds model.onnx, tokenizer.json, tokenizer_config.json, sentence_bert_config.json (fetch-minilm.sh). */
  modelDir: string;
  /**
   * Texts per inference run. Default 8: attention memory grows with batch x tokens^2, and onnxruntime's arena keeps
   * the peak. 768 texts of 256 tokens peaked at 1,554 MiB RSS with 32 and 567 MiB with 8, at the same texts/s.
   */
  batchSize?: number;
  /** Intra-op threads of onnxruntime. Default 1: embedding runs beside ingest and must not take every core. */
  threads?: number;
}

const MODEL_ID = 'sentence-transformers/all-MiniLM-L6-v2';
const DIMENSIONS = 384;
/** Texts are cut to this many characters per allowed word piece before tokenizing, so a huge text costs little. */
const CHARS_PER_TOKEN_CAP = 24;

interface Encoded {
  ids: number[];
  truncated: boolean;
}

/** all-MiniLM-L6-v2 (int8 ONNX) in-process: no network at run time. */
export class LocalEmbedder implements Embedder {
  readonly modelId = MODEL_ID;
  readonly dimensions = DIMENSIONS;
  private session: ort.InferenceSession | null = null;
  private tokenizer: Tokenizer | null = null;
  private maxTokens = 0;
  private stopped = false;
  /** Inference runs one at a time: one thread, and memory bounded by one batch. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LocalEmbedderOptions) {}

  async start(): Promise<void> {
    if (this.session || this.stopped) return;
    const files = await readModelFiles(this.options.modelDir);
    this.tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    this.maxTokens = files.maxTokens;
    const threads = this.options.threads ?? 1;
    try {
      this.session = await ort.InferenceSession.create(files.onnxPath, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        // 'disabled' loads in less memory but peaks as high once inference runs, and is slower (README).
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new PermanentError(`cannot load ${files.onnxPath}; run scripts/models/fetch-minilm.sh`, {
        cause: error,
      });
    }
  }

  isReady(): boolean {
    return this.session !== null && !this.stopped;
  }

  async shutdown(deadline: Deadline): Promise<void> {
    this.stopped = true;
    const session = this.session;
    if (!session) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((r) => (timer = setTimeout(r, msLeft(deadline))));
    await Promise.race([this.tail.catch(() => undefined), expired]);
    clearTimeout(timer);
    this.session = null;
    // Releasing while a run is still going would crash the native side; past the deadline we leave it to exit.
    await this.tail.then(() => session.release()).catch(() => undefined);
  }

  async embed(texts: readonly string[]): Promise<EmbeddingBatch> {
    if (!this.isReady()) throw new UnavailableError('the local embedder is not running');
    texts.forEach((text, i) => {
      if (typeof text !== 'string' || text.trim() === '')
        throw new PermanentError(`input ${i} is empty or whitespace only; nothing to embed`);
    });
    const run = this.tail.then(() => this.embedAll(texts));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async embedAll(texts: readonly string[]): Promise<EmbeddingBatch> {
    const encoded = texts.map((text) => this.encode(text));
    // Similar lengths in one batch: less padding to compute.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.ids.length - encoded[b]!.ids.length);
    const vectors = new Array<Float32Array>(texts.length);
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    for (let start = 0; start < order.length; start += batchSize) {
      const indexes = order.slice(start, start + batchSize);
      const pooled = await this.infer(indexes.map((i) => encoded[i]!.ids));
      indexes.forEach((inputIndex, k) => (vectors[inputIndex] = pooled[k]!));
    }
    const truncated = encoded.flatMap((e, i) => (e.truncated ? [i] : []));
    return { vectors, truncated };
  }

  /** Word pieces with [CLS] and [SEP], cut to the model's window (keeping the final [SEP]). */
  private encode(text: string): Encoded {
    const maxChars = this.maxTokens * CHARS_PER_TOKEN_CAP;
    const cut = text.length > maxChars;
    const { ids } = this.tokenizer!.encode(cut ? text.slice(0, maxChars) : text);
    if (ids.length <= this.maxTokens) return { ids, truncated: cut };
    return { ids: [...ids.slice(0, this.maxTokens - 1), ids[ids.length - 1]!], truncated: true };
  }

  private async infer(batch: number[][]): Promise<Float32Array[]> {
    const session = this.session;
    if (!session) throw new UnavailableError('the local embedder stopped');
    const seqLen = Math.max(...batch.map((ids) => ids.length));
    const size = batch.length * seqLen;
    const ids = new BigInt64Array(size);
    const mask = new BigInt64Array(size);
    batch.forEach((row, b) =>
      row.forEach((id, t) => {
        ids[b * seqLen + t] = BigInt(id);
        mask[b * seqLen + t] = 1n;
      }),
    );
    const dims = [batch.length, seqLen];
    let output: ort.InferenceSession.OnnxValueMapType;
    try {
      output = await session.run({
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(size), dims),
      });
    } catch (error) {
      throw new RetryableError('onnxruntime inference failed', { cause: error });
    }
    const hidden = output['last_hidden_state'];
    if (!hidden || hidden.dims[2] !== DIMENSIONS) {
      throw new PermanentError(
        `the model's output is not [batch, seq, ${DIMENSIONS}]: ${String(hidden?.dims)}`,
      );
    }
    return meanPoolNormalized(hidden.data as Float32Array, mask, batch.length, seqLen, DIMENSIONS);
  }
}
