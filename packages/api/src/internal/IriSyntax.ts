/**
 * The rule of an IRI as API Platform writes them, as a plain function: used
 * by the `Iri` schema's filter, and by the dossier predicate, which calls it
 * twice per dossier and cannot afford `Schema.is` there (2.7 against 0.2 µs
 * for the 60 IRIs of a 30-dossier page).
 *
 * @since 0.1.0
 */

const absolute = /^https?:\/\/[^/]/i

/**
 * `true` for a path from the API's origin (`/api/…`) or an absolute http(s) URL.
 *
 * @since 0.1.0
 */
export const isIriText = (iri: string): boolean => iri.startsWith("/") || absolute.test(iri)
