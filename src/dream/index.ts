/**
 * The dream engines and their phases. `createOfflineEngine()` is the deterministic default; the phases
 * and extractors are exported for the LLM engine (which uses the offline pre-pass) and for tests.
 */

export {
  CHECK_VERSION,
  type CheckFile,
  type CheckInput,
  checkProposal,
  DEFAULT_HOLDOUT,
  MIN_SESSIONS_FOR_HOLDOUT,
  runCheck,
  splitHoldout,
  valueTokens,
} from './check.js';
export { candidatesOf, LLM_KINDS, type LlmCandidate } from './llm/candidates.js';
export {
  createLlmEngine,
  decisionsOf,
  isGrounded,
  LLM_ENGINE_VERSION,
  type LlmBudget,
  type LlmDreamEngine,
  type LlmEngineOptions,
  type LlmEstimate,
} from './llm/engine.js';
export { LlmDreamError } from './llm/errors.js';
export { DEFAULT_BATCH_SIZE, type LlmPlan, type PlannedBatch, planBatches } from './llm/plan.js';
export { type BatchAnswer, batchAnswerSchema, type Judgement, systemPrompt } from './llm/prompt.js';
export { EMAIL_MARKER, PHONE_MARKER, redactForModel } from './llm/redact.js';
export { DIGEST_VERSION, isSessionDigest, type SessionDigest } from './offline/digest.js';
export { extractFact, extractFacts, type Fact, factsContradict } from './offline/facts.js';
export { parseFrontMatter, renderFrontMatter } from './offline/front-matter.js';
export { gatherSession } from './offline/gather.js';
export { indexLine, MAX_INDEX_LINE_CHARS, type RenderedIndex, renderIndex } from './offline/memory-index.js';
export { mineMistakes } from './offline/mistakes.js';
export { INDEX_PATH, KIND_FOLDERS, orient } from './offline/orient.js';
export { mineContrasts } from './offline/outcome-contrast.js';
export { PII_MARKERS, REDACTION_MARKER, redactPii } from './offline/pii.js';
/** Planning types shared by the phases (documented in offline/plan.ts). */
export type { GatheredSession, PlannedEvidence, PlannedMemory } from './offline/plan.js';
export { extractPreferences } from './offline/preferences.js';
export { Redactor, redactTranscriptText } from './offline/redactor.js';
export { absolutizeRelativeDates } from './offline/relative-dates.js';
export { hasSecret, REDACTED, redactSecrets } from './offline/secrets.js';
export { minePreferences } from './offline/statements.js';
export { errorSignature, errorTemplate, maskVariables } from './offline/templates.js';
export { mineWorkflows } from './offline/workflows.js';
export { applyChanges } from './offline/workspace.js';
export {
  createOfflineEngine,
  dreamRedactor,
  gatherAll,
  gatherCacheKey,
  OFFLINE_ENGINE_VERSION,
} from './offline-engine.js';
export * from './types.js';
