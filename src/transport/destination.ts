// The bearer token goes only where the client was pointed. openapi-fetch joins the base URL and a path as
// text, so a path such as ".evil.example/v1" or "@evil.example/" (from a pulled spec, a `md.raw` call, or a
// call's own `baseUrl` option) would move the request to another host, and a ".." segment out of the base path.

/**
 * A `.` or `..` segment before the query, plain or percent-encoded, that a URL parser would resolve away; or a
 * tab or line break, which the parser drops first (so "/\n..\n/" is a ".." segment too).
 */
const DOT_SEGMENT = /[\t\n\r]|^[^?#]*[/\\](\.|%2e){1,2}([/\\?#]|$)/i;

/** The origin and path, ending in "/", that every request of a client must stay under. */
export function baseOf(baseUrl: string): string {
  const { origin, pathname } = new URL(baseUrl);
  return origin + pathname.replace(/\/?$/, "/");
}

/** Whether `url` leaves `base` (from baseOf): another origin, a path outside it, or a dot segment. */
export function leavesBase(url: string, base: string): boolean {
  try {
    const { origin, pathname } = new URL(url);
    return !`${origin}${pathname}/`.startsWith(base) || DOT_SEGMENT.test(url);
  } catch {
    return true;
  }
}
