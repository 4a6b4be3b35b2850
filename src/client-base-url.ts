// The base URL a client sends to, read without sending anything. The client does not expose it as a property,
// and adding one would grow every app's bundle for the sake of the embed-session cache alone.
import type { MotherDuckClient } from "./client.js";

/**
 * Asks openapi-fetch which base URL it would use: a middleware given to this one call reads it from the
 * call's options and answers the call itself, so the request never reaches the transport or the network.
 * Middleware registered on `md.raw` with `use()` runs first and sees this request go by (it is never sent).
 */
export async function clientBaseUrl(md: MotherDuckClient): Promise<string> {
  let baseUrl: string | undefined;
  await md.raw.GET("/v1/active_accounts", {
    middleware: [
      {
        onRequest({ options }) {
          baseUrl = options.baseUrl;
          return new Response(null, { status: 204 });
        },
      },
    ],
  });
  if (typeof baseUrl !== "string") throw new TypeError("the client's base URL could not be read");
  return baseUrl;
}
