// Words a POSIX shell reads back exactly as written, for commands and `export` lines the CLI prints.

/** `value` as one shell word: bare when it holds only safe characters, else in single quotes. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
