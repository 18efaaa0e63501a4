/**
 * Where a call goes: a target (a path from the base URL, an IRI from téo's
 * answers, or an absolute URL) resolved against the API's base URL, and the
 * guard that keeps the token inside the API — the same origin, under the base
 * path once `.` and `..` are resolved. Also how errors and spans name a URL.
 *
 * @since 0.1.0
 */

/**
 * A resolved target: `href` (no fragment) is sent, `path` (from the base
 * path, with the query) names it in errors and spans.
 *
 * @since 0.1.0
 */
export interface Resolved {
  readonly href: string
  readonly path: string
  /** `path` with ids as `{id}` and no query, for span and metric attributes. */
  readonly template: string
}

/**
 * @since 0.1.0
 */
export interface Targets {
  readonly origin: string
  /** The resolved target, or why it is refused. */
  readonly resolve: (target: string) => Resolved | { readonly refused: string }
  /**
   * A link from an answer (`view.next`), resolved as a URL reference against
   * the page it came from (RFC 3986), under the same guard.
   */
  readonly link: (link: string, from: string) => Resolved | { readonly refused: string }
}

/** A path segment of dots with at least one encoded (`%2E`, `.%2e`, `%2E%2E`…). */
const encodedDots = /(^|\/)(?=[.%2Ee]*%2e)(\.|%2e){1,2}(\/|$)/i

/** Resolutions kept per layer: the same few targets come back on every call. */
const cacheSize = 512

/**
 * The targets of the API at `baseUrl` (absolute, no query or fragment).
 *
 * @since 0.1.0
 */
export const make = (baseUrl: string): Targets => {
  const base = new URL(baseUrl)
  const basePath = base.pathname.replace(/\/+$/, "")
  const baseHref = `${base.origin}${basePath}`
  const cache = new Map<string, Resolved | { readonly refused: string }>()

  const under = (url: URL): boolean =>
    basePath === "" || url.pathname === basePath || url.pathname.startsWith(`${basePath}/`)

  /** An IRI from téo's answers: a path that already starts with the base path (`/api/…`). */
  const isIri = (target: string): boolean =>
    basePath !== "" &&
    target.startsWith(basePath) &&
    (target.length === basePath.length || "/?#".includes(target.charAt(basePath.length)))

  const compute = (target: string): Resolved | { readonly refused: string } => {
    let url: URL | null
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      url = URL.parse(target)
      if (url === null || url.origin !== base.origin) {
        return { refused: `refusing to send the téo token outside ${base.origin}` }
      }
    } else if (target.startsWith("//")) {
      return { refused: `refusing to send the téo token outside ${base.origin}` }
    } else if (isIri(target)) {
      url = URL.parse(target, base.origin)
    } else {
      url = URL.parse(
        `${baseHref}${target.startsWith("/") || target === "" || target.startsWith("?") ? "" : "/"}${target}`
      )
    }
    return guard(target, url)
  }

  const guard = (target: string, url: URL | null): Resolved | { readonly refused: string } => {
    if (url === null) return { refused: `${JSON.stringify(target)} is not a path or URL` }
    // `%2E` is a dot to the URL parser: a segment of encoded dots walks the path as `.`/`..` do,
    // and names no resource (`Resource.target` writes an id `..` so, to be refused here).
    if (encodedDots.test(target.replace(/[?#].*$/, ""))) {
      return { refused: `${JSON.stringify(target)} has a path segment of encoded dots (%2E), which names no resource` }
    }
    if (url.origin !== base.origin) return { refused: `refusing to send the téo token outside ${base.origin}` }
    if (!under(url)) {
      return {
        refused: `refusing to send the téo token outside ${baseHref} (${JSON.stringify(target)} resolves to ${url.pathname})`
      }
    }
    url.hash = ""
    const path = url.pathname.slice(basePath.length)
    const display = `${path === "" ? "/" : path}${url.search}`
    return { href: url.href, path: display, template: pathTemplate(display) }
  }

  return {
    origin: base.origin,
    link: (link, from) => guard(link, URL.parse(link, from)),
    resolve: (target) => {
      const cached = cache.get(target)
      if (cached !== undefined) return cached
      const resolved = compute(target)
      if (cache.size >= cacheSize) cache.clear()
      cache.set(target, resolved)
      return resolved
    }
  }
}

/**
 * Path templates keep span and metric attributes low-cardinality: ids
 * become `{id}`, the query is dropped.
 *
 * @since 0.1.0
 */
export const pathTemplate = (path: string): string =>
  path
    .replace(/\?.*$/, "")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}")
    .replace(/\/\d+(?=\/|$)/g, "/{id}")
