/**
 * STATE-002: what the HCL reader could not know before `terraform plan` is said, never passed
 * over in silence: a module whose source is not a local path (not followed), a `count` or
 * `for_each` over a value not known statically (its instances judged once, with `each`/`count`
 * unknown), a `dynamic` block whose `for_each` is not known (not expanded). Info only: nothing is
 * wrong, a part of the configuration is just not judged. The same rule reports, after the run, the
 * suppressions written for HCL input that expired or matched no finding (policy/suppressions.ts). The reader lists these parts in the
 * document (policy/hcl/notes.ts); Terraform JSON and cdktf input have none.
 */
import { unknownNotes } from "../../hcl/notes";
import { defineStackRule } from "../../rule";
import { doc } from "../references";

export const state002 = defineStackRule({
  id: "STATE-002",
  severity: "info",
  pack: "secrets-state",
  title: "Part of the configuration not judged statically, or a suppression that applies to nothing",
  description: "A module with a remote source, a `count`/`for_each` over a value not known before plan, or a `dynamic` block whose `for_each` is not known: that part is judged once with unknown values, or not at all. Also a suppression written for HCL input (`# bulwark:ignore`, `.bulwark.yaml`) that expired or matched no finding.",
  fix: "Nothing to fix for unknown parts: check remote modules in their own repository, and use literal collections (or variable defaults and tfvars) where instances should be judged one by one. Remove suppressions that match nothing, and renew or remove expired ones.",
  references: [doc("Terraform documentation: The for_each meta-argument", "https://developer.hashicorp.com/terraform/language/meta-arguments/for_each"), doc("Terraform documentation: Module sources", "https://developer.hashicorp.com/terraform/language/modules/sources")],
  check(index) {
    return unknownNotes(index.json).map((n) => ({ address: n.address, message: n.message }));
  },
});
