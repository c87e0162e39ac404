/**
 * The shape of a roadmap file (`docs/roadmaps/<roadmap>.yaml`) and of the deployment's manual
 * sign-offs (`readiness.manual` in the deployment configuration), validated with zod.
 *
 * A roadmap is a production-readiness checklist restated as data: phases, each with items; every
 * item has a stable id (`koha.3.2`, `fineract.8.2.47`, `single-server.critical.3`,
 * `aunsorm.infra.k8s-probes`), an English text in our own words, and how it is evidenced:
 * - `rules`: policy rule ids that must have no unsuppressed finding on the stacks in scope;
 * - `constructs`: resources that must be present (a type, and optionally a name pattern, labels
 *   and attribute patterns), at least `min` of them;
 * - `drills`: tests on real engines that must have passed (ids of `docs/roadmaps/drills.yaml`);
 * - `manual`: an owner; the status then comes only from the deployment configuration.
 * `appliesTo` makes an item "not applicable" when none of its selectors matches (Kafka TLS on a
 * stack without Kafka).
 *
 * The citation syntax for code, comments and findings is `[roadmap <id>]`, e.g.
 * `[roadmap koha.3.2]` (ROADMAP_CITATION below; __tests__/readiness checks every citation exists).
 */
import { z } from "zod";

/** Item ids: a roadmap name, then dot-separated lower-case segments (`koha.3.2`, `aunsorm.infra.k8s-probes`). */
export const ITEM_ID = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;
/** How code, comments and findings cite an item: `[roadmap koha.3.2]`. */
export const ROADMAP_CITATION = /\[roadmap ([a-z][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+)\]/g;

const regex = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, "must be a valid regular expression");

/**
 * Resources a construct check or `appliesTo` looks for. `labels` match docker_container labels
 * (`bulwark.service`) and Kubernetes `metadata.labels`; `attributes` map a dotted path in the
 * resource body (`command`, `healthcheck.test`, `destinations.0.uri`) to a pattern tested against
 * the value (strings as they are, anything else as its JSON text).
 */
export const SelectorSchema = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a Terraform resource type such as docker_container"),
  /** Pattern over the resource name (`docker_container.<name>`). */
  name: regex.optional(),
  labels: z.record(z.string().min(1), regex).optional(),
  attributes: z.record(z.string().min(1), regex).optional(),
});

export const ConstructCheckSchema = SelectorSchema.extend({
  /** What is looked for, for people (reports). */
  description: z.string().min(1),
  /** At least this many matching resources. @default 1 (DEFAULT_CONSTRUCT_MIN) */
  min: z.number().int().min(1).optional(),
});

/** @default of ConstructCheck.min */
export const DEFAULT_CONSTRUCT_MIN = 1;

const Owner = z.string().min(1, "must name a team or a role");

export const EvidenceSchema = z
  .strictObject({
    appliesTo: z.array(SelectorSchema).min(1).optional(),
    rules: z.array(z.string().regex(/^[A-Z0-9]+-\d{3}$/, "must be a rule id such as DOCKER-004")).min(1).optional(),
    constructs: z.array(ConstructCheckSchema).min(1).optional(),
    drills: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1).optional(),
    manual: z.strictObject({ owner: Owner }).optional(),
    /** How to meet the item when its constructs or drills are missing (rules carry their own fix). */
    fix: z.string().min(1).optional(),
  })
  .superRefine((e, ctx) => {
    const automated = e.rules !== undefined || e.constructs !== undefined || e.drills !== undefined;
    if (e.manual && automated) ctx.addIssue({ code: "custom", message: "an item is either manual (an owner signs it off) or evidenced by rules, constructs or drills, not both: split it into two items" });
    if (!e.manual && !automated) ctx.addIssue({ code: "custom", message: "needs rules, constructs, drills or manual: { owner }" });
    if ((e.constructs !== undefined || e.drills !== undefined) && e.fix === undefined) ctx.addIssue({ code: "custom", path: ["fix"], message: "an item evidenced by constructs or drills needs a fix (what to do when they are missing)" });
  });

export const ItemSchema = z.strictObject({
  id: z.string().regex(ITEM_ID, "must be <roadmap>.<segment>[.<segment>…] in lower case, e.g. koha.3.2"),
  /** The item in English, in our words. */
  text: z.string().min(1),
  evidence: EvidenceSchema,
});

export const PhaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  title: z.string().min(1),
  /** The phase's definition of done, restated. */
  done: z.string().min(1).optional(),
  items: z.array(ItemSchema).min(1),
});

export const RoadmapSchema = z.strictObject({
  roadmap: z.string().regex(/^[a-z][a-z0-9-]*$/),
  title: z.string().min(1),
  /** Where the original came from (it is not in this repository), and its date. */
  source: z.string().min(1),
  summary: z.string().min(1),
  /**
   * Stack names this roadmap is about (`koha`, `governance`). When the input holds any of them,
   * only those are judged; otherwise every input stack is (your own Terraform).
   */
  stacks: z.array(z.string().min(1)).optional(),
  phases: z.array(PhaseSchema).min(1),
});

export const DrillSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** The test file or script that runs it (must exist in the repository). */
  file: z.string().min(1),
  description: z.string().min(1),
  /** How to run it. */
  run: z.string().min(1),
});

export const DrillCatalogSchema = z.strictObject({ drills: z.array(DrillSchema).min(1) });

/** The manual statuses a deployment records. */
export const MANUAL_STATUSES = ["met", "not-met", "not-applicable"] as const;

/** `readiness.manual.<item id>` in the deployment configuration. */
export const ManualEntrySchema = z.strictObject({
  status: z.enum(MANUAL_STATUSES),
  owner: Owner,
  /** Where the proof is: a document, a ticket, a signed record. Required for `met`. */
  evidence: z.string().min(1).optional(),
}).refine((e) => e.status !== "met" || e.evidence !== undefined, { message: "a manual item recorded as met needs evidence (a link or document name)", path: ["evidence"] });

/** The `readiness` section of the deployment configuration (config/schema.ts embeds it). */
export const ReadinessConfigSchema = z.strictObject({
  manual: z.record(z.string().regex(ITEM_ID, "must be a roadmap item id such as koha.0.3"), ManualEntrySchema).default({}),
});

export type Selector = z.infer<typeof SelectorSchema>;
export type ConstructCheck = z.infer<typeof ConstructCheckSchema>;
export type Evidence = z.infer<typeof EvidenceSchema>;
export type Item = z.infer<typeof ItemSchema>;
export type Phase = z.infer<typeof PhaseSchema>;
export type Roadmap = z.infer<typeof RoadmapSchema>;
export type Drill = z.infer<typeof DrillSchema>;
export type ManualEntry = z.infer<typeof ManualEntrySchema>;
export type ReadinessConfig = z.infer<typeof ReadinessConfigSchema>;
