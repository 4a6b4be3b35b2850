// Fills a path template, each parameter encoded as one path segment. openapi-fetch's own serializer
// handles every OpenAPI style with a regular expression per call; this API uses only simple segments,
// so the template is split once and reused.
const templates = new Map<string, string[]>();

export function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  let parts = templates.get(template);
  if (!parts) {
    parts = template.split(/\{([^{}]+)\}/);
    templates.set(template, parts);
  }
  let path = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const value = params?.[parts[i]!];
    path +=
      (value === undefined || value === null ? `{${parts[i]}}` : encodeURIComponent(String(value))) + parts[i + 1];
  }
  return path;
}
