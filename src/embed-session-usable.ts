// Whether an iframe can carry a session: the one rule that a minted session (in `dives.createEmbedSession`) and a
// stored one (in the session cache) both pass before they are served.
import { MIN_SECRET_LENGTH } from "./redact.js";

// Only characters that print as something: letters, marks, digits, punctuation and symbols. White space,
// control, format, private-use and unassigned code points fail by category. Default-ignorable code points
// (U+034F, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0) and the Braille blank U+2800 sit in printing
// categories but draw nothing, so they are refused by name: an invisible session cannot be told from a cut one.
const VISIBLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]+$/u;
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/u;

/**
 * An embed session an iframe can carry: a well-formed string of at least MIN_SECRET_LENGTH visible characters
 * (shorter, the redactor could not keep it out of messages by value).
 */
export function isUsableEmbedSession(session: unknown): session is string {
  return (
    typeof session === "string" &&
    session.length >= MIN_SECRET_LENGTH &&
    session.isWellFormed() &&
    VISIBLE.test(session) &&
    !INVISIBLE.test(session)
  );
}
