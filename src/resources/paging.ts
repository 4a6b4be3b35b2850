// The pure decisions of a paged walk: where a page says the walk ends, and when a server's paging cannot be
// trusted to end at all.
import { ResponseShapeError } from "../errors.js";

/** How many pages one walk reads at most: 1,000 pages of the server's page size, far past any organization. */
export const MAX_PAGES = 1000;

/** The token of the next page, or undefined at the end: a null, empty or absent token ends the walk. */
export function nextPageToken(page: { next_page_token?: string | null }): string | undefined {
  const token = page.next_page_token;
  return typeof token === "string" && token !== "" ? token : undefined;
}

/**
 * Refuses a page token that would make the walk endless: one it has already followed, or one past the page
 * bound. `followed` holds the tokens followed so far; `pages` is how many pages have been read.
 */
export function checkNextToken(token: string, followed: ReadonlySet<string>, pages: number): void {
  if (followed.has(token)) {
    throw new ResponseShapeError(
      [{ path: "response.next_page_token", message: "repeats a page token already followed" }],
      "The API's paging repeats a page token it already gave, so the walk would never end; it was stopped",
    );
  }
  if (pages >= MAX_PAGES) {
    throw new ResponseShapeError(
      [{ path: "response.next_page_token", message: `still set after ${MAX_PAGES} pages` }],
      `The API kept giving another page after ${MAX_PAGES} pages; the walk was stopped`,
    );
  }
}
