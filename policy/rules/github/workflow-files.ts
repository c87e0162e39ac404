/**
 * Readers for GH-015 and GH-016: the GitHub Actions workflow files a stack writes
 * (`github_repository_file` at `.github/workflows/*.yml|yaml`), parsed back from the Terraform
 * string (`$${` → `${`), the check runs their jobs report, and the checks a stack declares as
 * produced elsewhere (locals `bulwark_produced_checks_*`, knowledge/github.ts).
 */
import { parse } from "yaml";
import {
  PRODUCED_CHECKS_LOCAL_PREFIX,
  hasTerraformTemplate,
  isWorkflowPath,
  jobChecks,
  terraformStringValue,
  type JobCheck,
} from "../../../knowledge/github";
import { blocks, isObject } from "../../stack-index";
import type { IndexedResource, StackIndex } from "../../types";
import { REPOSITORY_FILE, githubModel, type Repo } from "./protection";

/** A workflow file of the stack, as far as it can be read before apply. */
export interface WorkflowFile {
  readonly resource: IndexedResource;
  /** The file path in the repository (literal). */
  readonly path: string;
  readonly repo: Repo | undefined;
  /** The parsed document; undefined when the content is not literal or not YAML. */
  readonly document: unknown;
  /** Why the document is missing: the content is a reference, or the YAML does not parse. */
  readonly unreadable?: string;
}

const CACHE = new WeakMap<StackIndex, readonly WorkflowFile[]>();

/** The workflow files of the stack (cached per index). */
export function workflowFiles(index: StackIndex): readonly WorkflowFile[] {
  const cached = CACHE.get(index);
  if (cached) return cached;
  const model = githubModel(index);
  const out: WorkflowFile[] = [];
  for (const res of index.byType(REPOSITORY_FILE)) {
    const path = index.resolveString(res.body.file);
    if (path === null || !isWorkflowPath(path)) continue;
    out.push(readWorkflow(res, path, model.repoOf(res.body.repository)));
  }
  CACHE.set(index, out);
  return out;
}

/** One workflow file: its content as GitHub will read it, parsed. */
export function readWorkflow(resource: IndexedResource, path: string, repo: Repo | undefined): WorkflowFile {
  const content = resource.body.content;
  if (typeof content !== "string") return { resource, path, repo, document: undefined, unreadable: "its `content` is not a string" };
  if (hasTerraformTemplate(content)) {
    return { resource, path, repo, document: undefined, unreadable: "its `content` holds a Terraform interpolation, so the workflow is only known at apply" };
  }
  try {
    const document: unknown = parse(terraformStringValue(content));
    if (!isObject(document)) return { resource, path, repo, document: undefined, unreadable: "its content is not a YAML mapping" };
    return { resource, path, repo, document };
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { resource, path, repo, document: undefined, unreadable: `its content is not valid YAML (${why})` };
  }
}

/** The events a parsed workflow runs on (`on: push`, `on: [push, pull_request]`, `on: { push: … }`). */
export function triggersOf(document: unknown): ReadonlySet<string> {
  if (!isObject(document)) return new Set();
  // YAML 1.1 readers turn a bare `on` key into true; the `yaml` package (YAML 1.2) keeps "on".
  const on = document.on ?? (document as Record<string, unknown>)["true"];
  if (typeof on === "string") return new Set([on]);
  if (Array.isArray(on)) return new Set(on.filter((e): e is string => typeof e === "string"));
  if (isObject(on)) return new Set(Object.keys(on));
  return new Set();
}

/** Events whose runs report check runs on a pull request's head commit. */
export const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(["pull_request", "pull_request_target"]);

/** A check run a workflow job reports, with where it comes from. */
export interface ProducedCheck extends JobCheck {
  readonly file: WorkflowFile;
  /** The workflow runs on pull requests (otherwise a pull request never gets this check). */
  readonly onPullRequests: boolean;
}

const BY_REPO = new WeakMap<StackIndex, Map<Repo, WorkflowFile[]>>();

/** The workflow files of one repository (indexed once per stack). */
export function workflowFilesOf(index: StackIndex, repo: Repo): readonly WorkflowFile[] {
  let byRepo = BY_REPO.get(index);
  if (!byRepo) {
    byRepo = new Map();
    for (const f of workflowFiles(index)) {
      if (!f.repo) continue;
      let list = byRepo.get(f.repo);
      if (!list) byRepo.set(f.repo, (list = []));
      list.push(f);
    }
    BY_REPO.set(index, byRepo);
  }
  return byRepo.get(repo) ?? [];
}

/** Every check the workflow files of a repository report. */
export function checksProducedFor(index: StackIndex, repo: Repo): ProducedCheck[] {
  const out: ProducedCheck[] = [];
  for (const file of workflowFilesOf(index, repo)) {
    if (file.document === undefined) continue;
    const triggers = triggersOf(file.document);
    const onPullRequests = [...triggers].some((t) => PULL_REQUEST_EVENTS.has(t));
    for (const c of jobChecks(file.document)) out.push({ ...c, file, onPullRequests });
  }
  return out;
}

/** The workflow files of a repository that cannot be read before apply. */
export function unreadableWorkflowsOf(index: StackIndex, repo: Repo): WorkflowFile[] {
  return workflowFilesOf(index, repo).filter((f) => f.document === undefined);
}

/** A declaration that a repository's check is produced outside the stack's workflows. */
export interface ExternalCheck {
  /** The local that declares it (`local.bulwark_produced_checks_app`). */
  readonly local: string;
  readonly producer: string;
}

const EXTERNAL = new WeakMap<StackIndex, Map<Repo, Map<string, ExternalCheck>>>();

/**
 * Checks declared as produced elsewhere, per repository: locals named
 * `bulwark_produced_checks*` holding `{ repository = <name or reference>, checks = { <check> = <producer> } }`
 * (read once per index).
 */
export function externalChecksOf(index: StackIndex, repo: Repo): ReadonlyMap<string, ExternalCheck> {
  let byRepo = EXTERNAL.get(index);
  if (!byRepo) {
    byRepo = new Map();
    const model = githubModel(index);
    for (const locals of blocks(index.json.locals)) {
      for (const [name, value] of Object.entries(locals)) {
        if (!name.startsWith(PRODUCED_CHECKS_LOCAL_PREFIX) || !isObject(value)) continue;
        const target = model.repoOf(value.repository);
        const checks = blocks(value.checks)[0];
        if (!target || !checks) continue;
        let out = byRepo.get(target);
        if (!out) byRepo.set(target, (out = new Map()));
        for (const [check, producer] of Object.entries(checks)) {
          if (typeof producer === "string" && producer.trim() !== "" && !out.has(check)) out.set(check, { local: `local.${name}`, producer: producer.trim() });
        }
      }
    }
    EXTERNAL.set(index, byRepo);
  }
  return byRepo.get(repo) ?? new Map();
}
