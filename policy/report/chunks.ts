/**
 * Reports as a sequence of text pieces instead of one string.
 *
 * A report of 50k findings is tens of megabytes of text; built as one string (and, for JSON and
 * SARIF, as a second copy of every finding as a plain object first) it was the highest point of
 * the CLI's memory on large inputs. Every format is therefore a generator of pieces; the CLI
 * writes them out in batches (`writeBatched`) and `formatReport` joins them for callers that want
 * a string. Both give the same bytes: the tests compare them with the one-string form.
 */

/** A report in pieces; their concatenation is the report. */
export type Pieces = Iterable<string>;

/** The placeholder a document carries where `prettyJsonWithArray` streams its array. */
const HOLE = "\u0000bulwark:streamed-array\u0000";

/**
 * Pretty JSON exactly as `JSON.stringify(doc, null, 2)` would print it, where `doc` holds the
 * placeholder `hole()` in place of one array, whose `items` are then stringified a batch at a
 * time (an iterable: produced lazily, never held as a whole).
 */
export function* prettyJsonWithArray(doc: unknown, items: Iterable<unknown>): Generator<string> {
  const text = JSON.stringify(doc, null, 2);
  const marker = JSON.stringify(HOLE);
  const at = text.indexOf(marker);
  if (at < 0 || text.indexOf(marker, at + marker.length) >= 0) {
    throw new Error("prettyJsonWithArray: the document must hold the placeholder exactly once");
  }
  const lineStart = text.lastIndexOf("\n", at) + 1;
  let indentEnd = lineStart;
  while (text[indentEnd] === " ") indentEnd++;
  const indent = text.slice(lineStart, indentEnd);
  const newline = `\n${indent}`;
  // Items go through JSON.stringify a batch at a time, the batch nested in as many arrays as the
  // document's array is deep, so that JSON.stringify itself indents them to the right column
  // (one native call per batch; re-indenting the text afterwards costs more than the stringify).
  // Measured on the wrapped probe: what comes before and after the batch's members.
  const wrap = (batch: unknown[]): unknown => {
    let v: unknown = batch;
    for (let i = 0; i < indent.length / 2; i++) v = [v];
    return v;
  };
  const probe = JSON.stringify(wrap([HOLE]), null, 2);
  const probeAt = probe.indexOf(marker);
  const head = probe.lastIndexOf("[", probeAt) + 1;
  const tail = probe.length - probe.indexOf("\n", probeAt);
  yield text.slice(0, at);
  // The separator is a piece of its own: prefixing it would copy the members once more.
  let batch: unknown[] = [];
  let first = true;
  const flush = (): string => {
    const list = JSON.stringify(wrap(batch), null, 2);
    batch = [];
    return list.slice(head, list.length - tail);
  };
  for (const item of items) {
    batch.push(item);
    if (batch.length === ARRAY_BATCH) {
      yield first ? "[" : ",";
      first = false;
      yield flush();
    }
  }
  if (batch.length > 0) {
    yield first ? "[" : ",";
    first = false;
    yield flush();
  }
  yield first ? "[]" : `${newline}]`;
  yield text.slice(at + marker.length);
}

/** Array members stringified per JSON.stringify call in `prettyJsonWithArray`. */
const ARRAY_BATCH = 512;

/** The placeholder value to put where `prettyJsonWithArray` streams the array. */
export function hole(): unknown {
  return HOLE;
}

/** Each line followed by a newline (the same text as `lines.join("\n") + "\n"`). */
export function* asLines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}

/** The whole report as one string. */
export function joinPieces(pieces: Pieces): string {
  let out = "";
  for (const p of pieces) out += p;
  return out;
}

/** Default batch: large enough to keep write calls few, small enough to be negligible in memory. */
export const BATCH_CHARS = 256 * 1024;

/**
 * Write the pieces through `write`, small ones gathered into batches of about `batchChars`
 * characters, large ones as they are (joining them would only copy them once more).
 */
export function writeBatched(pieces: Pieces, write: (chunk: string) => void, batchChars = BATCH_CHARS): void {
  let batch: string[] = [];
  let size = 0;
  for (const p of pieces) {
    if (p.length >= batchChars / 4) {
      if (size > 0) write(batch.join(""));
      batch = [];
      size = 0;
      write(p);
      continue;
    }
    batch.push(p);
    size += p.length;
    if (size >= batchChars) {
      write(batch.join(""));
      batch = [];
      size = 0;
    }
  }
  if (size > 0) write(batch.join(""));
}
