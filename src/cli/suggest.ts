// The CLI's wording of a suggestion for a mistyped command or flag.
import { closest, completions } from "../suggest.js";

const lowerCase = (text: string) => text.toLowerCase();

/**
 * " (did you mean X?)" or nothing: the known words that the one typed begins (`--flock` → `--flock-size`;
 * `--read-scaling` names both of its flags), else the closest known word. Case is ignored, since every command
 * and flag is lower case and `--JSON` is as near a miss as `--jsn`.
 */
export function didYouMean(word: string, known: Iterable<string>): string {
  const words = [...known];
  const begun = completions(lowerCase(word), words);
  const matches = begun.length ? begun : [closest(word, words, lowerCase)].filter((match) => match !== undefined);
  return matches.length ? ` (did you mean ${matches.map((match) => `"${match}"`).join(" or ")}?)` : "";
}
