/**
 * Review and apply (shared/DESIGN.md "Review and apply"): per-change decisions, apply with conflict
 * detection, automatic mode under store policies, rollback to any point, and the audit log. Depends on
 * the domain and the storage port only; the service layer (`service/review-service.ts`) wraps it for
 * the shells.
 */
export * from './apply.js';
export * from './audit.js';
export * from './auto-apply.js';
export * from './decide.js';
export * from './inputs.js';
export * from './listing.js';
export * from './policy.js';
export * from './rollback.js';
