// "Did you mean": the closest known word to a mistyped one, by edit distance. The client's options and the
// CLI's commands and flags both use it.

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known word closest to `word`, if it is close enough to be a typo: at most a third of the longer of the
 * two changed. `fold` compares both sides after the same normalisation, such as ignoring case.
 */
export function closest(
  word: string,
  known: Iterable<string>,
  fold: (text: string) => string = (text) => text,
): string | undefined {
  const folded = fold(word);
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const other = fold(candidate);
    const distance = editDistance(folded, other);
    const allowed = Math.max(1, Math.floor(Math.max(folded.length, other.length) / 3));
    if (distance <= allowed && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

/**
 * The known words that begin with `word`: a flag typed only in part (`--flock` for `--flock-size`), which is too
 * far from the whole word for edit distance. A word of fewer than `minLength` characters completes nothing.
 */
export function completions(word: string, known: Iterable<string>, minLength = 3): string[] {
  if (word.length < minLength) return [];
  return [...known].filter((candidate) => candidate.length > word.length && candidate.startsWith(word));
}
