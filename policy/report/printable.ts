/**
 * Text from the judged input (file names, values quoted in messages, bytes of a file that is not
 * JSON) reaches terminals: raw control characters in it could move the cursor, rewrite what was
 * printed or change the terminal's state. They are shown escaped instead.
 *
 * Escaped: C0 controls (tab and, when `keepNewlines`, line feed excepted), DEL, C1 controls, the
 * Unicode line and paragraph separators, and the bidirectional overrides and isolates (which can
 * make text read differently from what it is).
 */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_KEEP_LF = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `s` with every control character escaped (`\x1b`, `\u202e`). */
export function printable(s: string, options: { readonly keepNewlines?: boolean } = {}): string {
  const re = options.keepNewlines ? CONTROL_KEEP_LF : CONTROL;
  re.lastIndex = 0;
  return re.test(s) ? s.replace(re, escape) : s;
}
