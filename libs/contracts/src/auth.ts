/** Resolves an API key to the project it belongs to; null for a missing, unknown or revoked key. */
export interface ApiKeyVerifier {
  projectFor(apiKey: string): Promise<string | null>;
}
