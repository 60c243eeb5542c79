// Ordering and arithmetic on risk levels.
import type { RiskLevel } from '../api/v1alpha1/common.js';

export const LEVELS: readonly RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];

export const rank = (r: RiskLevel) => LEVELS.indexOf(r);
export const maxRisk = (...rs: RiskLevel[]): RiskLevel =>
  rs.reduce((a, b) => (rank(b) > rank(a) ? b : a), 'none' as RiskLevel);
export const atLeast = (r: RiskLevel, floor: RiskLevel): RiskLevel => maxRisk(r, floor);
/** One level up, capped at critical. */
export const raise = (r: RiskLevel, by = 1): RiskLevel =>
  LEVELS[Math.min(LEVELS.length - 1, rank(r) + by)] as RiskLevel;
