// One call to a model: "propose a plan by calling the submit_plan tool". Each
// provider (anthropic.ts, openai.ts, ollama.ts) implements it with its
// official SDK, through the provider's own tool-calling feature.
export type ProviderName = 'anthropic' | 'openai' | 'ollama';

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface PlanCall {
  model: string;
  system: string;
  messages: ChatMessage[];
  /** the one tool the model may call: its arguments are the plan */
  tool: { name: string; description: string; schema: Record<string, unknown> };
  maxTokens: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** What one planning paid for: tokens both ways, with whom, and in dollars. */
export interface LlmUsage extends Usage {
  provider: string;
  model: string;
  usd: number;
}

export interface PlanAnswer {
  /** the tool call's arguments as the model gave them (unparsed, untrusted) */
  input: unknown;
  /** what the model said besides, if anything */
  text?: string;
  usage: Usage;
}

export interface ModelClient {
  provider: ProviderName;
  propose(call: PlanCall): Promise<PlanAnswer>;
}

export interface ClientOptions {
  baseURL?: string;
  apiKey?: string;
  timeoutMs: number;
  /** retries of 429 and 5xx answers, with backoff */
  maxRetries: number;
}
