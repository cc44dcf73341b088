import type { MessagePart } from '@driftwatch/contracts';
import { field, isRecord } from '../json.js';

/**
 * One content part of any known message format (OTel GenAI parts, OpenAI chat and responses, Anthropic,
 * Vercel AI SDK) in the canonical GenAI parts form. Unknown shapes become `generic` parts, never errors.
 */
export function toPart(raw: unknown): MessagePart | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return { type: 'text', content: raw };
  if (!isRecord(raw)) return { type: 'generic', value: raw };
  switch (raw['type']) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { type: 'text', content: textOf(raw['content'] ?? raw['text']) };
    case 'reasoning':
    case 'thinking':
      return { type: 'reasoning', content: textOf(raw['content'] ?? raw['text'] ?? raw['thinking']) };
    case 'tool_call':
    case 'tool-call':
    case 'tool_use':
    case 'function_call':
      return toolCallPart(raw);
    case 'tool_call_response':
    case 'tool-result':
    case 'tool_result':
    case 'function_call_output':
      return toolResponsePart(raw);
    case 'blob':
      return {
        type: 'blob',
        modality: field(raw, 'modality'),
        content: textOf(raw['content']),
        ...mime(field(raw, 'mime_type', 'mimeType')),
      };
    case 'uri':
      return {
        type: 'uri',
        modality: field(raw, 'modality'),
        uri: textOf(raw['uri']),
        ...mime(field(raw, 'mime_type', 'mimeType')),
      };
    case 'file':
      return filePart(raw);
    case 'image_url':
    case 'input_image':
      return fromUrlOrData(imageUrl(raw['image_url'] ?? raw['url']), 'image', '');
    case 'image':
      return imagePart(raw);
    case 'input_audio':
      return audioPart(raw);
    default:
      return { type: 'generic', value: raw };
  }
}

/** A message `content` value: a string, one part, or a list of parts. */
export function toParts(content: unknown): MessagePart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (Array.isArray(content)) return content.map(toPart).filter((p): p is MessagePart => p !== null);
  const part = toPart(content);
  return part ? [part] : [];
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

function toolCallPart(raw: Record<string, unknown>): MessagePart {
  const fn = isRecord(raw['function']) ? raw['function'] : {};
  const part: MessagePart = {
    type: 'tool_call',
    name: field(raw, 'name', 'toolName') || field(fn, 'name'),
  };
  const id = field(raw, 'id', 'toolCallId', 'call_id');
  if (id) part.id = id;
  const args = raw['arguments'] ?? raw['args'] ?? raw['input'] ?? fn['arguments'];
  if (args !== undefined) part.arguments = args;
  return part;
}

function toolResponsePart(raw: Record<string, unknown>): MessagePart {
  const response = raw['response'] ?? raw['result'] ?? raw['output'] ?? raw['content'] ?? null;
  const part: MessagePart = { type: 'tool_call_response', response };
  const id = field(raw, 'id', 'toolCallId', 'tool_use_id', 'call_id', 'tool_call_id');
  if (id) part.id = id;
  return part;
}

function mime(mimeType: string): { mimeType?: string } {
  return mimeType ? { mimeType } : {};
}

function modalityOf(mimeType: string, fallback: string): string {
  const major = mimeType.split('/')[0] ?? '';
  return ['image', 'audio', 'video'].includes(major) ? major : fallback;
}

function filePart(raw: Record<string, unknown>): MessagePart {
  const mimeType = field(raw, 'mime_type', 'mimeType', 'mediaType', 'media_type');
  const modality = field(raw, 'modality') || modalityOf(mimeType, 'file');
  const fileId = field(raw, 'file_id', 'fileId');
  if (fileId) return { type: 'file', modality, fileId, ...mime(mimeType) };
  const data = raw['data'] ?? raw['file_data'] ?? raw['url'];
  if (typeof data === 'string') return fromUrlOrData(data, modality, mimeType);
  return { type: 'generic', value: raw };
}

function imageUrl(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecord(value)) return field(value, 'url');
  return '';
}

function imagePart(raw: Record<string, unknown>): MessagePart {
  const mimeType = field(raw, 'mimeType', 'mediaType', 'mime_type');
  const source = raw['source'];
  if (isRecord(source)) {
    // Anthropic: { source: { type: 'base64', media_type, data } | { type: 'url', url } }
    const data = field(source, 'data');
    if (data) return { type: 'blob', modality: 'image', content: data, ...mime(field(source, 'media_type')) };
    return fromUrlOrData(field(source, 'url'), 'image', mimeType);
  }
  const image = raw['image'] ?? raw['url'];
  if (typeof image === 'string') return fromUrlOrData(image, 'image', mimeType);
  return { type: 'generic', value: raw };
}

function audioPart(raw: Record<string, unknown>): MessagePart {
  const audio = isRecord(raw['input_audio']) ? raw['input_audio'] : {};
  const format = field(audio, 'format');
  return {
    type: 'blob',
    modality: 'audio',
    content: field(audio, 'data'),
    ...mime(format ? `audio/${format}` : ''),
  };
}

/** A URL becomes a `uri` part; a data: URL or bare base64 becomes a `blob`. */
function fromUrlOrData(value: string, modality: string, mimeType: string): MessagePart {
  const data = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(value);
  if (data) {
    const type = data[1] || mimeType;
    return { type: 'blob', modality: modalityOf(type, modality), content: data[2] ?? '', ...mime(type) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { type: 'uri', modality, uri: value, ...mime(mimeType) };
  return { type: 'blob', modality, content: value, ...mime(mimeType) };
}
