/**
 * The OpenSSF Scorecard Branch-Protection tier of a protection: the tier table lives in the
 * knowledge leaf (knowledge/scorecard.ts), shared with the policy engine's tier from the JSON.
 */
export { scorecardBranchProtectionTier, type BranchProtectionSettings, type ScorecardResult, type ScorecardTier } from "../../knowledge/scorecard";
