// The pure decisions of a paged walk: where a page says the walk ends, when a server's paging cannot be
// trusted to end at all, and what the walk keeps of what it has seen.
import { ResponseShapeError } from "../errors.js";

/** How many pages one walk reads at most: 1,000 pages of the server's page size, far past any organization. */
export const MAX_PAGES = 1000;
/** The longest page token a walk follows: the API's are short, and each one travels in the next request's URL. */
export const MAX_PAGE_TOKEN_LENGTH = 4096;
/** Ids and page tokens up to this length are remembered as they are; longer ones by a hash of them. */
const KEPT_AS_TEXT = 64;

/** The token of the next page, or undefined at the end: a null, empty or absent token ends the walk. */
export function nextPageToken(page: { next_page_token?: string | null }): string | undefined {
  const token = page.next_page_token;
  return typeof token === "string" && token !== "" ? token : undefined;
}

/**
 * What a walk remembers of an id or a page token: a short text itself, a longer one as a number (its length and
 * an FNV-1a hash), so that a server sending huge ids or tokens cannot make the walk hold them all. Numbers and
 * strings never equal each other, so a hash never matches a short text.
 */
export function memoryKey(text: string): string | number {
  if (text.length <= KEPT_AS_TEXT) return text;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length;) hash = Math.imul(hash ^ text.charCodeAt(i++), 0x01000193);
  return text.length * 2 ** 32 + (hash >>> 0);
}

/** Ends a walk whose next page token cannot be followed, saying why. */
function stop(why: string): never {
  throw new ResponseShapeError([{ path: "response.next_page_token", message: why }]);
}

/**
 * Refuses a page token that would make the walk endless or heavy, or could not be sent: one longer than
 * MAX_PAGE_TOKEN_LENGTH, one not well-formed, one it has already followed, or one past the page bound.
 * `followed` holds the memoryKey of each token followed so far; `pages` is how many pages have been read.
 */
export function checkNextToken(token: string, followed: ReadonlySet<string | number>, pages: number): void {
  // A lone surrogate cannot be put in a URL: encodeURIComponent would throw a URIError on the next request.
  if (token.length > MAX_PAGE_TOKEN_LENGTH || !token.isWellFormed()) {
    stop(`is longer than ${MAX_PAGE_TOKEN_LENGTH} characters or not well-formed Unicode`);
  }
  if (followed.has(memoryKey(token))) stop("repeats a page token already followed");
  if (pages >= MAX_PAGES) stop(`is still set after ${MAX_PAGES} pages`);
}
