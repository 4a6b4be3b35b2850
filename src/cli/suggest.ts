// The CLI's wording of a suggestion for a mistyped command or flag.
import { closest } from "../suggest.js";

/** " (did you mean X?)" or nothing. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const match = closest(word, known);
  return match === undefined ? "" : ` (did you mean "${match}"?)`;
}
