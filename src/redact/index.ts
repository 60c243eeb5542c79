// The redaction layer: a leaf (imports nothing internal) so that the model prompt (src/llm and
// above) and the logger (src/telemetry) apply the same redaction.
export {
  CREDENTIAL_PATTERNS,
  OPTIONAL_PATTERNS,
  Redactor,
  type Pattern,
  type RedactionReport,
  type RedactorOptions,
} from './redactor.js';
export { redactThenCut, redactValue, isSensitiveKey } from './structured.js';
export { base64Variants, secretValuePatterns } from './secret-values.js';
export { secretPatternData, EXCLUDED_RULES } from './gitleaks.js';
export { shannonEntropy, type Finding } from './pattern.js';
