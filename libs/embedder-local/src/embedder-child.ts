// The embedding child process (started by ChildProcessEmbedder): runs the LocalEmbedder and answers its parent
// over IPC. onnxruntime-node runs inference synchronously on the JS thread that calls it, so in the server's own
// process every batch stalled ingest; here it only uses CPU the parent leaves idle (the parent renices it).
import { deadlineIn, isRetryable } from '@driftwatch/contracts';
import type { FromChild, ToChild } from './child-protocol.js';
import { LocalEmbedder } from './local-embedder.js';

let embedder: LocalEmbedder | null = null;

function send(message: FromChild): void {
  process.send?.(message);
}

async function handle(message: ToChild): Promise<void> {
  if (message.type === 'start') {
    embedder = new LocalEmbedder(message.options);
    try {
      await embedder.start();
      send({ type: 'started' });
    } catch (error) {
      send({ type: 'start-failed', retryable: isRetryable(error), message: (error as Error).message });
    }
    return;
  }
  if (!embedder) {
    send({ type: 'embed-failed', id: message.id, retryable: true, message: 'the embedder is not started' });
    return;
  }
  try {
    const { vectors, truncated } = await embedder.embed(message.texts);
    send({ type: 'embedded', id: message.id, vectors, truncated });
  } catch (error) {
    send({
      type: 'embed-failed',
      id: message.id,
      retryable: isRetryable(error),
      message: (error as Error).message,
    });
  }
}

if (!process.send) {
  console.error('embedder-child: run by ChildProcessEmbedder (it needs an IPC channel)');
  process.exit(2);
}
process.on('message', (message: ToChild) => void handle(message));
// Ctrl-C reaches the whole terminal group: the server stops this process itself once it has drained.
process.on('SIGINT', () => undefined);
// The parent is gone (stopped, or killed): nothing will read the answers.
process.on('disconnect', () => {
  void (embedder?.shutdown(deadlineIn(1_000)) ?? Promise.resolve()).finally(() => process.exit(0));
});
