/**
 * A streaming reader for large Terraform JSON files: the same value `JSON.parse` returns, without
 * ever holding the file as one string or one Buffer.
 *
 * The file is read in chunks into one reusable Buffer. A small byte state machine walks the three
 * outer levels of the document (the top-level object, `resource`/`data`, and each resource type),
 * tracking strings (with escapes) and nesting depth. The members of a resource type (the bodies,
 * the bulk of a file) are sliced out in runs of about RUN_BYTES and each run is parsed by one
 * `JSON.parse("{" + run + "}")`; every other top-level value (`terraform`, `provider`, `variable`,
 * `output`, `locals`, `module`, `//`, and `resource`/`data` in array form or any unexpected shape)
 * is parsed alone from its own slice. A slice that spans a chunk boundary accumulates copies of its
 * pieces. So memory holds the tree built so far, one chunk and one run's text, instead of the whole
 * text plus the whole tree.
 *
 * Pretty-printed files (what cdktf writes) take a shortcut: a resource type's members all start on
 * a line with the same indentation, so the end of a run is found with one native search for
 * "`,` newline indentation `"`" instead of scanning every byte. That guess is safe because the run
 * is parsed anyway: a slice that starts at a member and parses as `{slice}` can only end at the
 * end of a member. When the parse fails, the run is scanned byte by byte like any other.
 *
 * Objects are filled in document order with plain property definitions (one run becomes the type's
 * object, later runs are assigned into it), so key order and duplicate keys come out exactly as
 * `JSON.parse` makes them (integer-like keys first, ascending; a duplicate key keeps its first
 * position and its last value; `__proto__` is an own property).
 *
 * For large inputs, repeated values in resource bodies are shared: strings (labels, options,
 * references to shared networks) through an intern table, and whole nested blocks that are equal
 * (capabilities, log options, health checks of one service kind) through a table keyed by their
 * JSON text, which shrinks the tree to about a third.
 *
 * The 1-based line of every addressable block (`sourceLines`, for SARIF regions) is computed only
 * when asked for, by a second streaming pass that counts lines the way jsonc-parser does (LF, CR
 * and CRLF each end a line) and parses nothing: the check itself never pays for it.
 *
 * The reader validates the outer levels itself and leaves the rest to `JSON.parse` of each slice;
 * on any problem it throws `StreamFallback` and the caller reads the file the ordinary way, which
 * yields the usual error message with line and column.
 */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import { visit } from "jsonc-parser";

/** The streaming reader cannot give JSON.parse's value: read the whole text instead. */
export class StreamFallback extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StreamFallback";
  }
}

export interface StreamOptions {
  /** Bytes read at a time. @default DEFAULT_CHUNK_SIZE */
  readonly chunkSize?: number;
  /**
   * Share one copy of equal string values and equal nested blocks across resource bodies (the
   * tree is then read-only: a change to a shared block would show in every body holding it).
   * @default input >= INTERN_MIN_BYTES
   */
  readonly intern?: boolean;
  /** Bytes of resource bodies parsed by one JSON.parse call (tests use small runs). @default RUN_BYTES */
  readonly runBytes?: number;
  /** Find the end of runs of pretty-printed bodies by their indentation. @default true */
  readonly indentation?: boolean;
}

export interface StreamResult {
  /** What `JSON.parse` of the whole text (without a leading BOM) returns; always an object. */
  readonly value: Record<string, unknown>;
  /**
   * `sourceLines` of the text: 1-based line of each addressable block, first occurrence wins.
   * Computed on first access by reading the input again (streaming); empty when the file changed
   * since or can no longer be read (lines are then unknown).
   */
  readonly lines: ReadonlyMap<string, number>;
  /** `lines` as a function that does not hold on to `value` (for use after the tree is released). */
  readonly lineMap: () => ReadonlyMap<string, number>;
  /** Bytes read. */
  readonly bytes: number;
  /** Milliseconds spent waiting for `readSync` (the rest of the time is parsing). */
  readonly readMs: number;
  /** Runs of resource bodies parsed: found by indentation, and found by scanning every byte. */
  readonly runs: { readonly indented: number; readonly scanned: number };
}

export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

/**
 * Bytes of consecutive resource bodies parsed by one JSON.parse call: large enough to make the
 * per-call cost negligible, small enough that the text stays under V8's regular object size
 * (128 KiB; a larger string gets pages of its own, mapped and unmapped each time, which is slow).
 */
export const RUN_BYTES = 48 * 1024;

/**
 * Inputs from this size on share equal string values and nested blocks (`intern`). Measured on
 * the 50k-container benchmark stack (168 MB): the tree shrinks from about 104 MB to 34 MB for about
 * 15% more reading time; below this size the tree is small anyway.
 */
export const INTERN_MIN_BYTES = 64 * 1024 * 1024;

/** Read and parse a JSON file whose top level is an object; throws StreamFallback on any problem. */
export function readJsonFileStreaming(file: string, options: StreamOptions = {}): StreamResult {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const fd = fs.openSync(file, "r");
  let stat: fs.Stats;
  let parser: StreamParser;
  let bytes = 0;
  let readMs = 0;
  try {
    stat = fs.fstatSync(fd);
    parser = new StreamParser(false, options, stat.size);
    const buf = Buffer.allocUnsafeSlow(Math.min(chunkSize, Math.max(stat.size, 1)));
    for (;;) {
      const t0 = performance.now();
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      readMs += performance.now() - t0;
      if (n === 0) break;
      bytes += n;
      parser.push(buf, n);
    }
  } finally {
    fs.closeSync(fd);
  }
  parser.end();
  const value = parser.value();
  let lines: ReadonlyMap<string, number> | null = null;
  const lineMap = () => (lines ??= fileLines(file, chunkSize, stat));
  return { value, bytes, readMs, runs: parser.runs, lineMap, get lines() { return lineMap(); } };
}

/** The lines pass over a file, if it is still the file that was parsed. */
function fileLines(file: string, chunkSize: number, parsed: fs.Stats): ReadonlyMap<string, number> {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return new Map();
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.size !== parsed.size || stat.mtimeMs !== parsed.mtimeMs || stat.ino !== parsed.ino) return new Map();
    const parser = new StreamParser(true, {}, stat.size);
    const buf = Buffer.allocUnsafeSlow(Math.min(chunkSize, Math.max(stat.size, 1)));
    for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) parser.push(buf, n);
    parser.end();
    return parser.lines.map();
  } catch {
    return new Map();
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The same over bytes in memory, fed to the parser `chunkSize` bytes at a time through one reused
 * buffer (as the file reader does): for tests of chunk boundaries.
 */
export function parseJsonBytesStreaming(bytes: Uint8Array, options: StreamOptions = {}): Omit<StreamResult, "readMs"> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const feed = (parser: StreamParser) => {
    const buf = Buffer.allocUnsafe(chunkSize);
    for (let off = 0; off < bytes.length; off += chunkSize) {
      const n = Math.min(chunkSize, bytes.length - off);
      buf.set(bytes.subarray(off, off + n), 0);
      buf.fill(0xff, n); // stale bytes beyond n must never be read
      parser.push(buf, n);
    }
    parser.end();
  };
  const parser = new StreamParser(false, options, bytes.length);
  feed(parser);
  const value = parser.value();
  let lines: ReadonlyMap<string, number> | null = null;
  const lineMap = () => {
    if (lines === null) {
      const counter = new StreamParser(true, {}, bytes.length);
      feed(counter);
      lines = counter.lines.map();
    }
    return lines;
  };
  return { value, bytes: bytes.length, runs: parser.runs, lineMap, get lines() { return lineMap(); } };
}

// ---------------------------------------------------------------------------------------------
// Addresses and lines (shared with load.ts `sourceLines`)

/** The address a property names, given the string keys of the objects enclosing it. */
export function addressOf(keys: readonly string[], property: string): string | null {
  const [top, second] = keys;
  if (keys.length === 0) return property === "terraform" ? "terraform" : null;
  if (keys.length === 1) {
    switch (top) {
      case "variable": return `var.${property}`;
      case "provider": return `provider.${property}`;
      case "output": return `output.${property}`;
      case "locals": return `local.${property}`;
      case "module": return `module.${property}`;
      case "terraform": return property === "backend" || property === "cloud" ? "terraform.backend" : null;
      default: return null;
    }
  }
  if (keys.length === 2) {
    if (top === "resource") return `${second}.${property}`;
    if (top === "data") return `data.${second}.${property}`;
  }
  return null;
}

/** Addresses live at most 3 object levels deep, plus up to 2 array levels (block arrays). */
const MAX_ADDRESS_DEPTH = 5;

/**
 * Call `add` with the address and line of every addressable block in `text` (a JSON value), in
 * document order. `prefix` are the string keys enclosing the value, `baseDepth` the number of
 * objects and arrays enclosing it, `baseLine` the 1-based line of its first character.
 */
export function collectSourceLines(
  text: string,
  add: (address: string, line: number) => void,
  prefix: readonly string[] = [],
  baseDepth = 0,
  baseLine = 1,
): void {
  let depth = baseDepth;
  const enter = () => void depth++;
  const leave = () => void depth--;
  visit(
    text,
    {
      onObjectBegin: enter,
      onObjectEnd: leave,
      onArrayBegin: enter,
      onArrayEnd: leave,
      onObjectProperty(property, _offset, _length, startLine, _startCharacter, pathSupplier) {
        if (depth > MAX_ADDRESS_DEPTH) return;
        const keys = [...prefix, ...pathSupplier().filter((k): k is string => typeof k === "string")];
        const address = addressOf(keys, property);
        if (address !== null) add(address, baseLine + startLine);
      },
    },
    { disallowComments: true },
  );
}

/** Top-level keys whose values can hold addresses (see addressOf). */
const ADDRESS_TOP_KEYS = new Set(["terraform", "variable", "provider", "output", "locals", "module", "resource", "data"]);

// ---------------------------------------------------------------------------------------------
// The parser

const enum S {
  /** Before the top-level value. */
  Start,
  /** After `{`: a key or `}`. */
  ObjectOpen,
  /** After `,`: a key. */
  KeyNext,
  /** After a key: `:`. */
  Colon,
  /** After `:`: a value. */
  Value,
  /** Inside a key or a value being scanned (see `capture`). */
  Capture,
  /** After a value: `,` or `}`. */
  After,
  /** After the top-level object: only whitespace. */
  End,
}

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const LBRACE = 0x7b, RBRACE = 0x7d, LBRACKET = 0x5b, RBRACKET = 0x5d;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Lengths of string values shared through the intern table. V8's JSON.parse already shares
 * values of up to 10 characters; very long values are rarely repeated and cost more to hash.
 */
const INTERN_MIN_LENGTH = 11;
const INTERN_MAX_LENGTH = 1024;
/** Longest JSON text of a subtree shared through the subtree table. */
const SHARE_MAX_LENGTH = 1024;
/** A number token 0 in compact JSON text (also matches inside strings: then nothing is shared). */
const ZERO_TOKEN = /[[:,]0[,\]}]/;

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/**
 * The byte state machine, in one of two modes over the same grammar:
 * - parse (the value): levels 1 (the top-level object) and 2 (the object of `resource` or `data`)
 *   capture and parse each value; level 3 (the object of one resource type) collects its members
 *   into runs, each parsed by one JSON.parse and merged into the type's object (the first run
 *   becomes it). No lines are counted.
 * - lines (`sourceLines`): counts lines, records the line of each address, parses nothing.
 */
class StreamParser {
  readonly lines = new LineRecorder();
  readonly runs = { indented: 0, scanned: 0 };
  private state = S.Start;
  /** Bytes of the input consumed before the current chunk. */
  private offset = 0;
  private bomMatched = 0;
  private level = 0;
  private key = "";
  private mode = "";
  private type = "";

  // The key or value being scanned.
  private capIsKey = true;
  /** Whether its text is needed (level-3 values are parsed in runs, or not at all). */
  private capKeep = true;
  private capStart = 0;
  private capDepth = 0;
  private capInString = false;
  private capEscape = false;
  private capSawEscape = false;
  private capScalar = false;
  private pieces: Buffer[] = [];

  // Parse mode.
  private readonly top: Record<string, unknown> = {};
  private modeObj: Record<string, unknown> = {};
  private typeObj: Record<string, unknown> = {};
  /** No run was merged into typeObj yet (the first run becomes it). */
  private typeFresh = true;
  private runOpen = false;
  /** Start of the run in the current chunk (0 when it began in an earlier chunk: see runPieces). */
  private runStart = 0;
  /** End of the last complete member in the current chunk, or -1. */
  private runEnd = -1;
  /** Start of the member being scanned in the current chunk, or -1 (it began in an earlier chunk). */
  private memberStart = -1;
  private runPieces: Buffer[] = [];
  /** Members of the type's later runs, waiting to be assigned to its object (see mergeRun). */
  private pendingKeys: string[] = [];
  private pendingValues: unknown[] = [];
  private readonly runBytes: number;
  private readonly strings: Map<string, string> | null;
  private readonly trees: Map<string, object> | null;
  // The indentation shortcut: whether it is tried in the current type's object (not after it
  // failed there), and `\n<indent>"`, the start of a member line.
  private readonly indentation: boolean;
  private typeShortcut = false;
  private memberOpen: Buffer = Buffer.alloc(0);

  // Lines mode.
  /** 1-based line of the next byte. */
  private line = 1;
  /** The byte before the current chunk (to see CRLF across a boundary). */
  private prevLast = -1;
  private keyLine = 0;
  private capLine = 0;
  private typePrefix = "";
  private readonly addLine = (address: string, line: number) => this.lines.add(address, "", line);

  constructor(
    private readonly countLines: boolean,
    options: StreamOptions,
    inputBytes: number,
  ) {
    this.runBytes = Math.max(1, options.runBytes ?? RUN_BYTES);
    this.strings = !countLines && (options.intern ?? inputBytes >= INTERN_MIN_BYTES) ? new Map() : null;
    this.trees = this.strings !== null ? new Map() : null;
    this.indentation = !countLines && (options.indentation ?? true);
  }

  private fail(what: string): never {
    throw new StreamFallback(`${what} near byte ${this.offset}`);
  }

  /** Consume `b[0, n)`. The parser keeps no reference to `b` after returning. */
  push(b: Buffer, n: number): void {
    let i = 0;
    this.runEnd = -1;
    if (this.runOpen) this.runStart = 0;
    this.memberStart = -1;
    while (i < n) {
      switch (this.state) {
        case S.Capture: {
          const end = this.countLines ? this.captureCounting(b, i, n) : this.capture(b, i, n);
          if (end < 0) i = n;
          else {
            this.finishCapture(b, end);
            i = end;
          }
          break;
        }
        case S.Start:
          i = this.start(b, i);
          break;
        default:
          i = this.structural(b, i, n);
      }
    }
    if (this.state === S.Capture) {
      // A key or value goes on in the next chunk: keep its bytes so far.
      if (this.capKeep) this.pieces.push(Buffer.from(b.subarray(this.capStart, n)));
      this.capStart = 0;
    }
    if (this.runOpen) this.endOfChunk(b, n);
    this.prevLast = n > 0 ? b[n - 1] : this.prevLast;
    this.offset += n;
  }

  private start(b: Buffer, i: number): number {
    const c = b[i];
    if (this.offset + i === this.bomMatched && this.bomMatched < 3 && c === BOM[this.bomMatched]) {
      this.bomMatched++;
      return i + 1;
    }
    if (this.bomMatched === 1 || this.bomMatched === 2) this.fail("broken byte order mark");
    this.bomMatched = 3;
    if (c === LBRACE) {
      this.level = 1;
      this.state = S.ObjectOpen;
      return i + 1;
    }
    if (this.isSpace(b, i)) return i + 1;
    this.fail("top level is not an object");
  }

  /** Whitespace between tokens; counts lines in lines mode. */
  private isSpace(b: Buffer, i: number): boolean {
    const c = b[i];
    if (c === SPACE || c === TAB) return true;
    if (c === LF) {
      if (this.countLines && (i > 0 ? b[i - 1] : this.prevLast) !== CR) this.line++;
      return true;
    }
    if (c === CR) {
      this.line++;
      return true;
    }
    return false;
  }

  /** Bytes of the outer levels up to the next key or value; returns the next index. */
  private structural(b: Buffer, i: number, n: number): number {
    for (; i < n; i++) {
      if (this.isSpace(b, i)) continue;
      const c = b[i];
      switch (this.state) {
        case S.ObjectOpen:
        case S.KeyNext:
          if (c === RBRACE && this.state === S.ObjectOpen) {
            this.closeObject(b);
            continue;
          }
          if (c !== QUOTE) this.fail("expected a key");
          if (this.level === 3 && !this.countLines) {
            if (!this.runOpen && this.typeShortcut) {
              const end = this.indentedRun(b, i, n);
              if (end >= 0) {
                this.state = S.After;
                i = end - 1;
                continue;
              }
            }
            this.memberStart = i;
            if (!this.runOpen) {
              this.runOpen = true;
              this.runStart = i;
            }
          }
          this.keyLine = this.line;
          // Level-3 keys are decoded by the parse of their run (or, counting lines, read here).
          this.startCapture(true, this.level < 3 || this.countLines, i);
          this.capInString = true;
          return i + 1;
        case S.Colon:
          if (c !== COLON) this.fail("expected ':'");
          this.state = S.Value;
          continue;
        case S.Value:
          if (c === LBRACE && (this.level === 2 || (this.level === 1 && (this.key === "resource" || this.key === "data")))) {
            this.descend();
            continue;
          }
          this.startCapture(false, this.level < 3, i);
          if (c === LBRACE || c === LBRACKET) this.capDepth = 1;
          else if (c === QUOTE) this.capInString = true;
          else {
            this.capScalar = true;
            return i;
          }
          return i + 1;
        case S.After:
          if (c === COMMA) this.state = S.KeyNext;
          else if (c === RBRACE) this.closeObject(b);
          else this.fail("expected ',' or '}'");
          continue;
        default:
          this.fail("content after the top-level object");
      }
    }
    return i;
  }

  private descend(): void {
    if (this.level === 1) {
      this.mode = this.key;
      if (!this.countLines) {
        this.modeObj = {};
        setKey(this.top, this.key, this.modeObj);
      }
    } else {
      this.type = this.key;
      this.typePrefix = this.mode === "data" ? `data.${this.key}.` : `${this.key}.`;
      if (!this.countLines) {
        this.typeObj = {};
        this.typeFresh = true;
        setKey(this.modeObj, this.key, this.typeObj);
        this.typeShortcut = this.indentation;
      }
    }
    this.level++;
    this.state = S.ObjectOpen;
  }

  private closeObject(b: Buffer): void {
    if (this.level === 3) {
      if (this.runOpen) this.flushRun(b, this.runEnd);
      if (this.pendingKeys.length > 0) this.assignPending();
    }
    this.level--;
    this.state = this.level === 0 ? S.End : S.After;
  }

  private startCapture(isKey: boolean, keep: boolean, i: number): void {
    this.state = S.Capture;
    this.capIsKey = isKey;
    this.capKeep = keep;
    this.capStart = i;
    this.capLine = this.line;
    this.capDepth = 0;
    this.capInString = false;
    this.capEscape = false;
    this.capSawEscape = false;
    this.capScalar = false;
  }

  /** A number, `true`, `false` or `null` ends at the first delimiter. */
  private captureScalar(b: Buffer, i: number, n: number): number {
    for (; i < n; i++) {
      const c = b[i];
      if (c === SPACE || c === COMMA || c === RBRACE || c === RBRACKET || c === LF || c === CR || c === TAB) return i;
    }
    return -1;
  }

  /**
   * Scan a key or value from `i`; returns the index just after its end, or -1 when the chunk
   * ends first (the state is kept for the next chunk). The hot loop of the parse mode.
   */
  private capture(b: Buffer, i: number, n: number): number {
    if (this.capScalar) return this.captureScalar(b, i, n);
    let depth = this.capDepth;
    let inString = this.capInString;
    if (this.capEscape) {
      if (i >= n) return -1;
      i++;
      this.capEscape = false;
    }
    for (;;) {
      if (inString) {
        for (;;) {
          if (i >= n) {
            this.capDepth = depth;
            this.capInString = true;
            return -1;
          }
          const d = b[i++];
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            this.capSawEscape = true;
            if (i >= n) {
              this.capEscape = true;
              this.capDepth = depth;
              this.capInString = true;
              return -1;
            }
            i++;
          }
        }
        inString = false;
        if (depth === 0) return i;
        continue;
      }
      if (i >= n) {
        this.capDepth = depth;
        this.capInString = false;
        return -1;
      }
      const c = b[i++];
      if (c === SPACE) continue;
      if (c === QUOTE) inString = true;
      else if (c === LBRACE || c === LBRACKET) depth++;
      else if ((c === RBRACE || c === RBRACKET) && --depth === 0) return i;
    }
  }

  /** `capture` counting lines outside strings (lines mode). */
  private captureCounting(b: Buffer, i: number, n: number): number {
    if (this.capScalar) return this.captureScalar(b, i, n);
    let depth = this.capDepth;
    let line = this.line;
    let inString = this.capInString;
    if (this.capEscape) {
      if (i >= n) return -1;
      i++;
      this.capEscape = false;
    }
    for (;;) {
      if (inString) {
        for (;;) {
          if (i >= n) {
            this.capDepth = depth;
            this.line = line;
            this.capInString = true;
            return -1;
          }
          const d = b[i++];
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            this.capSawEscape = true;
            if (i >= n) {
              this.capEscape = true;
              this.capDepth = depth;
              this.line = line;
              this.capInString = true;
              return -1;
            }
            i++;
          }
        }
        inString = false;
        if (depth === 0) {
          this.line = line;
          return i;
        }
        continue;
      }
      if (i >= n) {
        this.capDepth = depth;
        this.line = line;
        this.capInString = false;
        return -1;
      }
      const c = b[i++];
      if (c === SPACE) continue;
      if (c === QUOTE) {
        inString = true;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
      } else if (c === RBRACE || c === RBRACKET) {
        if (--depth === 0) {
          this.line = line;
          return i;
        }
      } else if (c === LF) {
        if ((i >= 2 ? b[i - 2] : this.prevLast) !== CR) line++;
      } else if (c === CR) {
        line++;
      }
    }
  }

  /** The text of the capture that ends at `end` in `b`. */
  private captured(b: Buffer, end: number): string {
    if (this.pieces.length === 0) return b.toString("utf8", this.capStart, end);
    this.pieces.push(b.subarray(0, end));
    const text = Buffer.concat(this.pieces).toString("utf8");
    this.pieces = [];
    return text;
  }

  private parse(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      this.fail(what);
    }
  }

  private finishCapture(b: Buffer, end: number): void {
    if (this.capIsKey) {
      this.state = S.Colon;
      if (!this.capKeep) return;
      // A plain key is its bytes between the quotes (JSON.parse would refuse control characters).
      const quoted = this.pieces.length > 0 || this.capSawEscape;
      const key = quoted ? (this.parse(this.captured(b, end), "invalid key") as string) : b.toString("utf8", this.capStart + 1, end - 1);
      if (!quoted && hasControl(key)) this.fail("invalid key");
      this.key = key;
      if (this.countLines) {
        if (this.level === 3) this.lines.add(this.typePrefix, key, this.keyLine);
        else if (this.level === 1 && key === "terraform") this.lines.add("terraform", "", this.keyLine);
      }
      return;
    }
    this.state = S.After;
    if (this.level === 3) {
      if (this.countLines) return;
      this.runEnd = end;
      // A member that began in an earlier chunk is parsed at once, so that pieces stay small.
      if (this.runPieces.length > 0 || end - this.runStart >= this.runBytes) this.flushRun(b, end);
      return;
    }
    const text = this.captured(b, end);
    if (this.countLines) {
      const c = text.charCodeAt(0);
      if (c !== LBRACE && c !== LBRACKET) return;
      if (this.level === 2) collectSourceLines(text, this.addLine, [this.mode, this.key], 2, this.capLine);
      else if (ADDRESS_TOP_KEYS.has(this.key)) collectSourceLines(text, this.addLine, [this.key], 1, this.capLine);
      return;
    }
    setKey(this.level === 2 ? this.modeObj : this.top, this.key, this.parse(text, "invalid value"));
  }

  /** At the end of a chunk inside a level-3 object: parse the complete members, keep the rest. */
  private endOfChunk(b: Buffer, n: number): void {
    if (this.runEnd < 0) {
      // No member ended in this chunk: the run goes on.
      this.runPieces.push(Buffer.from(b.subarray(this.runStart, n)));
      return;
    }
    const between = this.state === S.After || this.state === S.KeyNext;
    // The member in progress began after the last complete one, so in this chunk.
    const next = !between && this.memberStart > this.runEnd ? this.memberStart : -1;
    this.flushRun(b, this.runEnd);
    if (next >= 0) {
      this.runOpen = true;
      this.runPieces.push(Buffer.from(b.subarray(next, n)));
    }
  }

  /** Parse the run from its start to `end` in `b` and merge it into the type's object. */
  private flushRun(b: Buffer, end: number): void {
    let text: string;
    if (this.runPieces.length === 0) {
      text = braced(b, this.runStart, end);
    } else {
      text = Buffer.concat([OPEN_BRACE, ...this.runPieces, b.subarray(0, end), CLOSE_BRACE]).toString("utf8");
      this.runPieces = [];
    }
    this.runOpen = false;
    this.runEnd = -1;
    this.runs.scanned++;
    this.mergeRun(this.parse(text, "invalid resource") as Record<string, unknown>);
  }

  /**
   * The indentation shortcut from a member key at `i`, which starts a run: when the key begins a
   * line, the run ends before the first line at least runBytes later that starts with the same
   * indentation and a quote, after a comma. Returns the index of that comma once the run is parsed
   * and merged, or -1 (then the run is scanned). A failed parse (the type's object ended within the
   * guess, or its bodies are not indented deeper than its members) ends the shortcut for the rest
   * of the type's object, so a guess is wasted at most once per type.
   */
  private indentedRun(b: Buffer, i: number, n: number): number {
    const from = i + this.runBytes;
    if (from >= n) return -1;
    let j = i - 1;
    while (j >= 0 && (b[j] === SPACE || b[j] === TAB)) j--;
    if (j < 0 || b[j] !== LF) return -1;
    const open = this.memberOpen;
    if (open.length !== i - j + 1 || b.compare(open, 1, open.length - 1, j + 1, i) !== 0) {
      // `\n<indentation>"`
      const p = Buffer.allocUnsafe(i - j + 1);
      b.copy(p, 0, j, i);
      p[p.length - 1] = QUOTE;
      this.memberOpen = p;
    }
    const q = b.indexOf(this.memberOpen, from);
    if (q < 0 || q + this.memberOpen.length > n) return -1;
    let comma = q - 1;
    if (b[comma] === CR) comma--;
    if (b[comma] !== COMMA) return -1;
    let run: Record<string, unknown>;
    try {
      run = JSON.parse(braced(b, i, comma)) as Record<string, unknown>;
    } catch {
      this.typeShortcut = false;
      return -1;
    }
    this.runs.indented++;
    this.mergeRun(run);
    return comma;
  }

  /**
   * Merge a parsed run into the type's object: the first run becomes it; the members of later
   * runs are kept in document order and assigned when the type's object closes (see
   * `assignPending`).
   */
  private mergeRun(run: Record<string, unknown>): void {
    if (this.strings !== null) this.internRun(run);
    if (this.typeFresh) {
      this.typeFresh = false;
      setKey(this.modeObj, this.type, run);
      this.typeObj = run;
      return;
    }
    const keys = Object.keys(run);
    for (let i = 0; i < keys.length; i++) {
      this.pendingKeys.push(keys[i]);
      this.pendingValues.push(run[keys[i]]);
    }
  }

  /**
   * Assign the pending members to the type's object, in order (so duplicates end as JSON.parse
   * leaves them). Why wait: until then the bodies are reachable only in document order, so the
   * garbage collector moves them to the old generation in that order; once they sit in the type's
   * object (a hash table for many members), each young-generation collection would move them in
   * hash order, scattering neighbouring resources across memory, which makes the rules that walk
   * them about 10% slower.
   */
  private assignPending(): void {
    const obj = this.typeObj;
    const keys = this.pendingKeys;
    const values = this.pendingValues;
    for (let i = 0; i < keys.length; i++) setKey(obj, keys[i], values[i]);
    this.pendingKeys = [];
    this.pendingValues = [];
  }

  /** The shared copy of a string equal to `s` seen before, else undefined (and `s` is remembered). */
  private shared(s: string): string | undefined {
    if (s.length < INTERN_MIN_LENGTH || s.length > INTERN_MAX_LENGTH) return undefined;
    const strings = this.strings!;
    const known = strings.get(s);
    if (known === undefined) strings.set(s, s);
    return known;
  }

  /**
   * Share equal values across the resource bodies of a run, in place: string values through the
   * string table, nested objects and arrays (not the bodies themselves) through the subtree table,
   * keyed by their JSON text, so that the thousands of identical `log_opts`, `capabilities` or
   * label blocks of a large stack become one object each. Top-down: a subtree seen before is
   * replaced whole without looking inside; a new one is remembered and its members shared in turn.
   *
   * The tree is read-only to the engine (rules are pure functions), so sharing shows only in
   * memory. What JSON text cannot tell apart stays apart: a subtree whose text holds `null` (as a
   * number too large for a double also prints) or the number 0 (as -0 also prints) is never
   * shared, so the shared tree is deep-strict-equal to JSON.parse's.
   */
  private internRun(run: Record<string, unknown>): void {
    for (const name in run) {
      const body = run[name];
      if (typeof body !== "object" || body === null) continue;
      if (!Array.isArray(body)) this.internObject(body as Record<string, unknown>);
      // The array form holds several bodies: each is shared inside, none is merged with another.
      else for (const b of body) if (typeof b === "object" && b !== null && !Array.isArray(b)) this.internObject(b as Record<string, unknown>);
    }
  }

  private internObject(obj: Record<string, unknown>): void {
    for (const k in obj) {
      const v = obj[k];
      if (typeof v === "string") {
        const known = this.shared(v);
        if (known !== undefined) obj[k] = known;
      } else if (typeof v === "object" && v !== null) {
        const known = this.sharedTree(v);
        // An own "__proto__" member (JSON.parse makes one) cannot be assigned without changing the prototype.
        if (known !== undefined && k !== "__proto__") obj[k] = known;
      }
    }
  }

  private internArray(arr: unknown[]): void {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v === "string") {
        const known = this.shared(v);
        if (known !== undefined) arr[i] = known;
      } else if (typeof v === "object" && v !== null) {
        const known = this.sharedTree(v);
        if (known !== undefined) arr[i] = known;
      }
    }
  }

  /** The shared copy of a subtree equal to `v` seen before, else undefined (and `v` is shared inside). */
  private sharedTree(v: object): object | undefined {
    const key = JSON.stringify(v);
    if (key.length <= SHARE_MAX_LENGTH) {
      const trees = this.trees!;
      // Only texts that pass the checks below are ever stored, so a hit needs no check.
      const known = trees.get(key);
      if (known !== undefined) return known;
      if (!key.includes("null") && !ZERO_TOKEN.test(key)) trees.set(key, v);
    }
    if (Array.isArray(v)) this.internArray(v);
    else this.internObject(v as Record<string, unknown>);
    return undefined;
  }

  /** Throws StreamFallback unless exactly one object was read. */
  end(): void {
    if (this.state !== S.End) this.fail(this.state === S.Start ? "no content" : "unexpected end of input");
  }

  /** The parsed document (parse mode, after end). */
  value(): Record<string, unknown> {
    return this.top;
  }
}

const OPEN_BRACE = Buffer.from("{");
const CLOSE_BRACE = Buffer.from("}");

/**
 * `{` + the text of `b[start, end)` + `}` as one string, decoded in one go (no concatenation to
 * flatten) by borrowing the byte before and the byte after, which are restored. Those bytes are
 * whitespace or punctuation between members, or past the chunk's data.
 */
function braced(b: Buffer, start: number, end: number): string {
  if (start === 0 || end >= b.length) return `{${b.toString("utf8", start, end)}}`;
  const before = b[start - 1];
  const after = b[end];
  b[start - 1] = LBRACE;
  b[end] = RBRACE;
  const text = b.toString("utf8", start - 1, end + 1);
  b[start - 1] = before;
  b[end] = after;
  return text;
}

/**
 * Addresses and lines in document order, as prefix and name (joined only when the map is asked
 * for).
 */
class LineRecorder {
  private parts: string[] = [];
  private nums: number[] = [];
  private built: Map<string, number> | null = null;

  add(prefix: string, name: string, line: number): void {
    this.parts.push(prefix, name);
    this.nums.push(line);
  }

  /** The first line of each address. */
  map(): ReadonlyMap<string, number> {
    if (this.built === null) {
      const lines = new Map<string, number>();
      for (let i = 0; i < this.nums.length; i++) {
        const address = this.parts[2 * i] + this.parts[2 * i + 1];
        if (!lines.has(address)) lines.set(address, this.nums[i]);
      }
      this.built = lines;
      this.parts = [];
      this.nums = [];
    }
    return this.built;
  }
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}
