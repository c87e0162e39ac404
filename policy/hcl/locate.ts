/**
 * Lines of the blocks of an HCL file, for findings' locations.
 *
 * hcl2json (policy/hcl.ts) gives values without positions, so after a file has parsed the block
 * headers are found by scanning its text with a tolerant regular expression: a line starting
 * with `resource "type" "name" {` (labels quoted or bare), `data …`, `variable "x"`, `output "x"`,
 * `module "x"`, `provider "x"`, `locals {`, `terraform {` and, inside it, `backend "x" {` /
 * `cloud {`. This is no HCL parser: a heredoc line that looks exactly like a block header could
 * be taken for one, which costs at most a wrong line number (the file and the address are right,
 * since the address comes from the parsed document). Checked on the fixtures under
 * __tests__/fixtures/hcl/.
 */

const LABEL = String.raw`(?:"([^"\n]+)"|([A-Za-z_][\w-]*))`;
const BLOCK = new RegExp(
  String.raw`^[ \t]*(resource|data|variable|output|module|provider|locals|terraform|backend|cloud)\b(?:[ \t]+${LABEL})?(?:[ \t]+${LABEL})?[ \t]*\{`,
  "gm",
);

/** Address → 1-based line of its block in `text` (the first occurrence wins). */
export function blockLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lineStarts: number[] = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  for (const m of text.matchAll(BLOCK)) {
    const kind = m[1];
    const first = m[2] ?? m[3];
    const second = m[4] ?? m[5];
    let address: string | null = null;
    switch (kind) {
      case "resource":
        address = first && second ? `${first}.${second}` : null;
        break;
      case "data":
        address = first && second ? `data.${first}.${second}` : null;
        break;
      case "variable":
        address = first ? `var.${first}` : null;
        break;
      case "output":
      case "module":
      case "provider":
        address = first ? `${kind}.${first}` : null;
        break;
      case "locals":
        address = "local";
        break;
      case "terraform":
        address = "terraform";
        break;
      case "backend":
      case "cloud":
        address = "terraform.backend";
        break;
    }
    if (address !== null && !out.has(address)) out.set(address, lineAt(m.index ?? 0));
  }
  return out;
}

/** An inline suppression: `# bulwark:ignore DOCKER-016 reason text` (also `//`). */
export interface InlineSuppression {
  readonly rule: string;
  readonly reason: string;
  readonly line: number;
}

const IGNORE = /^[ \t]*(?:#|\/\/)[ \t]*bulwark:ignore[ \t]+(\S+)[ \t]*(.*?)[ \t]*$/;
const HEADER = new RegExp(String.raw`^[ \t]*(resource|data)[ \t]+${LABEL}[ \t]+${LABEL}[ \t]*\{`);

/**
 * Inline suppressions by the address of the resource (or data source) they are about: a
 * `bulwark:ignore` comment on the line right before the block's header (comments and blank-free:
 * only the line just above), or on any line inside the block (up to the next top-level block).
 * Found by the same tolerant line scan as `blockLines` (see above); a comment that belongs to no
 * resource is returned under the key "" so the caller can report it.
 */
export function inlineSuppressions(text: string): Map<string, InlineSuppression[]> {
  const out = new Map<string, InlineSuppression[]>();
  const lines = text.split(/\r\n|\r|\n/);
  const headerAt = (i: number): string | null => {
    const m = HEADER.exec(lines[i] ?? "");
    if (!m) return null;
    const [type, name] = [m[2] ?? m[3], m[4] ?? m[5]];
    return m[1] === "data" ? `data.${type}.${name}` : `${type}.${name}`;
  };
  let current: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const header = headerAt(i);
    if (header !== null) current = header;
    else if (/^[A-Za-z_]/.test(lines[i])) current = null; // another top-level block begins
    const m = IGNORE.exec(lines[i]);
    if (!m) continue;
    const target = headerAt(i + 1) ?? current ?? "";
    let list = out.get(target);
    if (!list) out.set(target, (list = []));
    list.push({ rule: m[1], reason: m[2], line: i + 1 });
  }
  return out;
}
