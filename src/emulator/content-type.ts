// Whether a request body's Content-Type declares what the spec takes: JSON, in UTF-8.

interface MediaType {
  type: string;
  /** Each parameter's name in lower case, with its value unquoted. */
  parameters: [string, string][];
}

function parseMediaType(header: string): MediaType {
  const [type, ...parameters] = header.split(";");
  return {
    type: type!.trim().toLowerCase(),
    parameters: parameters.map((parameter) => {
      const [name = "", ...value] = parameter.split("=");
      const text = value.join("=").trim();
      const unquoted = text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
      return [name.trim().toLowerCase(), unquoted];
    }),
  };
}

/**
 * Why a body's Content-Type is refused, or undefined when it is JSON. The spec takes `application/json`
 * only; a bare `fetch` with a string body sends `text/plain`, and code that passed here with it would fail
 * against MotherDuck. JSON is UTF-8 (RFC 8259): a body declared in another charset is refused rather than
 * read as UTF-8 regardless, which would quietly turn its text into something else.
 */
export function contentTypeProblem(header: string | undefined): string | undefined {
  const got = header === undefined ? "none was sent" : `got ${JSON.stringify(header.slice(0, 100))}`;
  const mediaType = header === undefined ? undefined : parseMediaType(header);
  if (mediaType?.type !== "application/json") return `must be application/json for a request with a body; ${got}`;
  const isOtherCharset = ([name, value]: [string, string]) => name === "charset" && value.toLowerCase() !== "utf-8";
  if (mediaType.parameters.some(isOtherCharset)) return `must declare no charset but utf-8; ${got}`;
  return undefined;
}
