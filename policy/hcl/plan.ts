/**
 * `terraform show -json plan.out` as the Terraform JSON document the engine judges: the resources
 * of `planned_values.root_module` and of its `child_modules` (recursively), each `values` object
 * taken as the resource's body. Planned values are what Terraform will apply, so every known
 * value is a literal (values only known after apply are absent from `values`, and read as unset).
 *
 * Child-module resources and instances (`module.app.docker_container.web`, `x["a"]`, `x[0]`) are
 * given generated names in the document (the engine addresses resources as `type.name`), and
 * `renames` maps them back to the plan's addresses for reports. The format is detected by
 * `format_version` with `planned_values` (policy/load.ts). Checked against the plan format
 * documented in Terraform's "JSON Output Format" page (format_version 1.x); no real plan of the
 * docker/github/cloudflare providers can be produced here (no registry).
 */
type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface PlanDocument {
  readonly json: Json;
  /** Address in the document → the plan's address. */
  readonly renames: Map<string, string>;
}

/** True for `terraform show -json` output of a plan. */
export function isPlanJson(value: unknown): value is Json {
  return isObject(value) && typeof value.format_version === "string" && isObject(value.planned_values);
}

const safe = (s: string) => s.replace(/[^\w-]/g, "_");

/** The plan's planned resources as a Terraform JSON document (see the module comment). */
export function planToTerraformJson(plan: Json): PlanDocument {
  const resource: Json = {};
  const data: Json = {};
  const renames = new Map<string, string>();
  let serial = 0;
  const visit = (module: unknown, depth: number) => {
    if (!isObject(module) || depth > 50) return;
    for (const r of Array.isArray(module.resources) ? module.resources : []) {
      if (!isObject(r) || typeof r.type !== "string" || typeof r.name !== "string") continue;
      const mode = r.mode === "data" ? "data" : "resource";
      const address = typeof r.address === "string" ? r.address : `${mode === "data" ? "data." : ""}${r.type}.${r.name}`;
      const plain = `${mode === "data" ? "data." : ""}${r.type}.${r.name}`;
      const name = address === plain ? r.name : `bulwark--plan--${safe(r.name)}--${serial++}`;
      const bucket = mode === "data" ? data : resource;
      const byName = (bucket[r.type] ??= {}) as Json;
      byName[name] = isObject(r.values) ? r.values : {};
      if (name !== r.name) renames.set(`${mode === "data" ? "data." : ""}${r.type}.${name}`, address);
    }
    for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) visit(child, depth + 1);
  };
  visit((plan.planned_values as Json).root_module, 0);
  const config = isObject(plan.configuration) ? plan.configuration : {};
  linkUnknownReferences(resource, config);
  const json: Json = {};
  if (Object.keys(resource).length > 0) json.resource = resource;
  if (Object.keys(data).length > 0) json.data = data;
  // The plan names no backend; required providers come from the configuration's provider config.
  const providers = isObject(config.provider_config) ? config.provider_config : {};
  const required: Json = {};
  for (const p of Object.values(providers)) {
    if (isObject(p) && typeof p.name === "string" && typeof p.full_name === "string") {
      required[p.name] = { source: p.full_name, ...(typeof p.version_constraint === "string" ? { version: p.version_constraint } : {}) };
    }
  }
  json.terraform = Object.keys(required).length > 0 ? { required_providers: required } : {};
  return { json, renames };
}

/**
 * Attributes that link one resource to another and are only known after apply, taken from the
 * configuration's expressions as references, so rules see the link instead of an unset value.
 * A resource created in the same plan has no id yet, so a v4 Access policy's `application_id`
 * is absent from `planned_values`; without the reference, CF-006 would call the new application
 * unprotected. Root-module resources only (child modules' addresses are renamed in the document).
 */
const LINK_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  cloudflare_access_policy: ["application_id"],
};

function linkUnknownReferences(resource: Json, config: Json): void {
  const root = isObject(config.root_module) ? config.root_module : {};
  for (const r of Array.isArray(root.resources) ? root.resources : []) {
    if (!isObject(r) || typeof r.type !== "string" || typeof r.name !== "string" || r.mode === "data") continue;
    const attributes = LINK_ATTRIBUTES[r.type];
    const body = (resource[r.type] as Json | undefined)?.[r.name];
    if (!attributes || !isObject(body) || !isObject(r.expressions)) continue;
    for (const attribute of attributes) {
      if (body[attribute] !== undefined && body[attribute] !== null) continue;
      const expr = r.expressions[attribute];
      const refs = isObject(expr) && Array.isArray(expr.references) ? expr.references.filter((x): x is string => typeof x === "string") : [];
      // Terraform lists `type.name.attr` before `type.name`: the most specific one.
      const ref = refs.find((x) => /^[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*\.[\w-]+$/.test(x));
      // A new object, so the plan's own values are never written into.
      if (ref) (resource[r.type] as Json)[r.name] = { ...body, [attribute]: `\${${ref}}` };
    }
  }
}
