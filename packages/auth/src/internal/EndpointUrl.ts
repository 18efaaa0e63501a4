/**
 * The rule for téo endpoint URLs (token endpoint, API base): absolute,
 * `https:` — or `http:` on this machine only (127.0.0.0/8, `localhost`,
 * `[::1]`), so that a local FakeTeo works and the secret or a token never
 * crosses a network in clear, unless explicitly allowed — and without a
 * `user:password@` part, which would end up in error messages and spans (the
 * refusal masks it).
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect"

/**
 * `input` for error messages: everything up to its last `@` masked (a password
 * may hold an unencoded `#`, `/` or `?`, or the value a leading space), and
 * any query or fragment (which may carry a key) left out.
 */
const masked = (input: string): string =>
  input
    .replace(/^(\s*[a-z][a-z0-9+.-]*:\/*)?.*@/i, (_all, scheme: string | undefined) => `${scheme ?? ""}***@`)
    .replace(/[?#].*$/s, (rest) => (rest.length > 1 ? `${rest.charAt(0)}…` : rest))

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname)

/**
 * What is wrong with `input` as a téo endpoint URL, or `undefined` when
 * nothing is. `allowPlainHttp` accepts `http:` to any host.
 *
 * @example
 * ```ts
 * import { EndpointUrl } from "@teo-effect/auth/internal"
 *
 * EndpointUrl.problem("http://teo.example/api", { allowPlainHttp: false })
 * // 'must use https, got "http://teo.example/api" (plain http is only allowed for 127.0.0.1, localhost or [::1]; …)'
 * ```
 *
 * @since 0.1.0
 */
export const problem = (input: string, options: { readonly allowPlainHttp: boolean }): string | undefined => {
  const url = URL.parse(input)
  if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
    return `must be an absolute http(s) URL, got ${JSON.stringify(masked(input))}`
  }
  if (url.username !== "" || url.password !== "") {
    return `must not carry a user name or password, got ${JSON.stringify(masked(input))} (téo's credentials go in TEO_CLIENT_ID and TEO_CLIENT_SECRET)`
  }
  if (url.protocol === "http:" && !options.allowPlainHttp && !isLoopback(url.hostname)) {
    return `must use https, got ${JSON.stringify(masked(input))} (plain http is only allowed for 127.0.0.1, localhost or [::1]; set TEO_ALLOW_PLAIN_HTTP=true or allowPlainHttp to allow it elsewhere)`
  }
  return undefined
}

/**
 * A téo endpoint URL as a Schema: a string that {@link problem} finds nothing
 * wrong with (the JWKS URL).
 *
 * @since 0.3.0
 */
export const Url = (allowPlainHttp: boolean) =>
  Schema.String.check(Schema.makeFilter((input: string) => problem(input, { allowPlainHttp }) ?? true))

/**
 * The token endpoint: an endpoint {@link Url}, normalised; a bare origin such
 * as `http://127.0.0.1:4010` gets téo's path, `/oauth2/token`.
 *
 * @since 0.3.0
 */
export const TokenUrl = (allowPlainHttp: boolean) =>
  Url(allowPlainHttp).pipe(
    Schema.decodeTo(
      Schema.String,
      SchemaTransformation.transform({
        decode: (input) => {
          const url = new URL(input)
          return url.pathname === "/" ? new URL("/oauth2/token", url).href : url.href
        },
        encode: (url) => url
      })
    )
  )

/**
 * The API's base URL: an endpoint {@link Url} without query or fragment.
 *
 * @since 0.3.0
 */
export const BaseUrl = (allowPlainHttp: boolean) =>
  Schema.String.check(
    Schema.makeFilter((input: string) => {
      // The endpoint rule first: its refusal masks a `user:password@` part.
      const refused = problem(input, { allowPlainHttp })
      if (refused !== undefined) return refused
      const url = new URL(input)
      return (
        (url.search === "" && url.hash === "") || `must have no query or fragment, got ${JSON.stringify(masked(input))}`
      )
    })
  )
