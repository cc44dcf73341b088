/**
 * The LLM calls the instrumented-OpenAI clients make, written against the public openai API (v6 and v7 alike):
 * a chat that gets a tool call, the follow-up chat with the tool result, a streamed chat with usage, and an
 * embeddings call.
 */
import {
  PLAIN_QUESTION,
  SYSTEM_PROMPT,
  WEATHER_QUESTION,
  WEATHER_RESULT,
  WEATHER_TOOL,
  CHAT_MODEL,
  EMBEDDING_MODEL,
} from './common.ts';

/** The subset of the openai client used here; satisfied by openai 6 and 7. */
export interface OpenAILike {
  chat: { completions: { create(body: Record<string, unknown>): Promise<unknown> } };
  embeddings: { create(body: Record<string, unknown>): Promise<unknown> };
}

interface ChatCompletion {
  choices: {
    message: {
      role: string;
      content: string | null;
      tool_calls?: { id: string; function: { name: string; arguments: string } }[];
    };
    finish_reason: string;
  }[];
}

export async function makeOpenAICalls(openai: OpenAILike, userId: string): Promise<string[]> {
  const calls: string[] = [];
  const messages: Record<string, unknown>[] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: WEATHER_QUESTION },
  ];
  const first = (await openai.chat.completions.create({
    model: CHAT_MODEL,
    messages,
    tools: [WEATHER_TOOL],
    temperature: 0,
    user: userId,
  })) as ChatCompletion;
  const firstChoice = first.choices[0];
  const toolCall = firstChoice?.message.tool_calls?.[0];
  if (!firstChoice || !toolCall) throw new Error('expected a tool call from the fake server');
  calls.push(`chat ${firstChoice.finish_reason}`);

  messages.push(firstChoice.message, {
    role: 'tool',
    tool_call_id: toolCall.id,
    content: JSON.stringify(WEATHER_RESULT),
  });
  const second = (await openai.chat.completions.create({
    model: CHAT_MODEL,
    messages,
    tools: [WEATHER_TOOL],
    temperature: 0,
    user: userId,
  })) as ChatCompletion;
  calls.push(`chat ${second.choices[0]?.finish_reason}`);

  const stream = (await openai.chat.completions.create({
    model: CHAT_MODEL,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: PLAIN_QUESTION },
    ],
    stream: true,
    stream_options: { include_usage: true },
    user: userId,
  })) as AsyncIterable<{ choices: { delta?: { content?: string | null } }[] }>;
  let streamed = '';
  for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
  if (!streamed) throw new Error('empty streamed answer');
  calls.push('chat stream');

  await openai.embeddings.create({ model: EMBEDDING_MODEL, input: ['drift detection', 'token usage'] });
  calls.push('embeddings');
  return calls;
}
