/**
 * Provider names in the GenAI `gen_ai.provider.name` vocabulary, whatever the source: renamed GenAI values
 * (az.ai.* -> azure.ai.*, vertex_ai -> gcp.vertex_ai, gemini -> gcp.gemini), OpenInference `llm.provider` /
 * `llm.system`, OpenLLMetry capitalised names ("OpenAI") and Vercel AI SDK provider ids ("openai.chat").
 */
const ALIASES: Record<string, string> = {
  'az.ai.inference': 'azure.ai.inference',
  'az.ai.openai': 'azure.ai.openai',
  vertex_ai: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  'google.vertex': 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  'google.generative-ai': 'gcp.gemini',
  google: 'gcp.gen_ai',
  azure: 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  aws: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  'amazon-bedrock': 'aws.bedrock',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  xai: 'x_ai',
  'x-ai': 'x_ai',
  watsonx: 'ibm.watsonx.ai',
};

/** GenAI values that contain dots and must not be cut at the first dot. */
const DOTTED = /^(azure\.ai\.|gcp\.|aws\.|ibm\.)/;

export function normalizeProvider(value: string): string {
  const name = value.trim().toLowerCase();
  if (name === '') return '';
  const alias = ALIASES[name];
  if (alias) return alias;
  if (DOTTED.test(name)) return name;
  const dot = name.indexOf('.');
  if (dot < 0) return name;
  // Vercel AI SDK ids: "openai.chat", "anthropic.messages", "google.vertex.chat", "mistral.chat".
  const twoSegments = name.split('.').slice(0, 2).join('.');
  const head = name.slice(0, dot);
  return ALIASES[twoSegments] ?? ALIASES[head] ?? head;
}
