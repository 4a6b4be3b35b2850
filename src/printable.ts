// What reaches a terminal, from the CLI or from a printed error: text that came from the server or from input
// cannot move the cursor, erase lines, retitle the window or ring the bell, because every control character is
// escaped.

// C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F): a terminal acts on all of them. The line and
// paragraph separators (U+2028, U+2029) break a line in editors, browsers and JavaScript source, and the bidi
// controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and U+FEFF reorder or hide what is shown,
// so a server's text could forge a line or disguise itself with them: they are escaped too.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
const CONTROL_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return (
    NAMED[char] ??
    (code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`)
  );
}

/** One value (a table cell, a username, a server's message) on one line: every control character escaped. */
export function terminalSafe(value: unknown): string {
  return String(value).replace(CONTROL, escaped);
}

/** One value on one line, cut to `max` characters after escaping, so an escape is never cut in half. */
export function snippet(value: string, max: number): string {
  const safe = terminalSafe(value);
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

/** Whole lines of output: every control character escaped except the newlines that end them. */
export function terminalSafeLines(text: string): string {
  // Line by line rather than with CONTROL_BUT_NEWLINE: an app's bundle then needs one class, not two.
  return text.split("\n").map(terminalSafe).join("\n");
}

/**
 * A message whose interpolated values are each made terminal-safe on one line, so a value holding "\n"
 * cannot start a line of its own: line`Revoked token ${id} of ${username}.`
 */
export function line(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((text, part, i) => text + terminalSafe(values[i - 1]) + part);
}

/**
 * JSON for stdout. JSON.stringify escapes C0 but leaves DEL, C1, the separators and the bidi controls raw, which
 * a terminal still acts on (U+009B starts a control sequence); written as \u escapes they parse back to the
 * same strings.
 */
export function jsonText(value: unknown): string {
  // Pretty JSON holds no raw C0 but the newlines of its layout, so the one class serves both.
  return `${JSON.stringify(value, null, 2).replace(CONTROL_BUT_NEWLINE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}
