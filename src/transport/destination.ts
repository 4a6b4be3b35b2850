// The bearer token goes only where the client was pointed. openapi-fetch joins the base URL and a path as
// text, so a path such as ".evil.example/v1" or "@evil.example/" (from a pulled spec, or a `md.raw` call, or a
// call's own `baseUrl` option) would move the request to another host; a ".." segment would leave the base path.

/** A `.` or `..` path segment, plain or percent-encoded: a URL parser resolves it away, out of its place. */
const DOT_SEGMENT = /[/\\](?:\.|%2e){1,2}(?=[/\\?#]|$)/i;

/** The origin and path (ending in "/") that every request of a client must stay under. */
export interface Destination {
  origin: string;
  path: string;
}

export function destinationOf(baseUrl: string): Destination {
  const { origin, pathname } = new URL(baseUrl);
  return { origin, path: pathname.endsWith("/") ? pathname : `${pathname}/` };
}

/** Why `url` is not under `base`, or undefined when it is. */
export function outsideDestination(url: string, base: Destination): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not an absolute URL";
  }
  if (parsed.origin !== base.origin) return `goes to ${parsed.origin}, not to the baseUrl's origin ${base.origin}`;
  if (DOT_SEGMENT.test(url.split(/[?#]/, 1)[0]!) || !`${parsed.pathname}/`.startsWith(base.path)) {
    return `leaves the baseUrl's path ${base.path}`;
  }
  return undefined;
}
