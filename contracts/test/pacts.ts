/**
 * Where the consumer tests write their pacts, and the names in them. The
 * pacts are regenerated from scratch on every run into `.tmp/pacts`; the
 * committed copies in `contracts/` must be identical (see
 * scripts/check-contracts.ts).
 */
import { rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { PactV4 } from "@pact-foundation/pact"

export const consumer = "teo-effect"

/** `.tmp/pacts` at the repository's root. */
export const generatedDir = fileURLToPath(new URL("../../.tmp/pacts", import.meta.url))

/** The committed contracts. */
export const committedDir = fileURLToPath(new URL("..", import.meta.url))

export const pactFile = (provider: string) => `${consumer}-${provider}.json`

/** The native core fixes its log level on first use: every PactV4 and Verifier gets the same. */
export const logLevel = (process.env.PACT_LOG_LEVEL ?? "error") as "error"

/** A PactV4 writing `<consumer>-<provider>.json` afresh (pact-js merges into an existing file). */
export const freshPact = (provider: string) => {
  rmSync(`${generatedDir}/${pactFile(provider)}`, { force: true })
  return new PactV4({ consumer, provider, dir: generatedDir, logLevel })
}

/** Fake values only: they are written into the committed contracts. */
export const example = {
  clientId: "fake-client",
  clientSecret: "fake-secret",
  teoId: "fake-instance",
  token:
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJmYWtlLXRlbyIsInN1YiI6ImZha2UtY2xpZW50IiwidGVvX2lkIjoiZmFrZS1pbnN0YW5jZSJ9.ZXhhbXBsZS1zaWduYXR1cmUtbm90LXZhbGlk",
  dossierId: "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b",
  serviceId: "5f1d7a3e-2b4c-4d6e-8f90-a1b2c3d4e5f6"
}

/**
 * A fake ES256 key (P-256), written into the committed contracts as the
 * example of téo's JWKS: the consumer test signs its partner link with it.
 */
export const examplePartnerKey = {
  kid: "example-partner-key",
  private: {
    kty: "EC",
    crv: "P-256",
    x: "GmiLvHD8vwD7sdA2gbNA9FdoYaByqLHsxuFGIgUvryQ",
    y: "KVoKACHQuALnYrJz8GPVvU30avpYjoAWazKkzVgOZFI",
    d: "tSbvPik04wweVT8ZtmbbACC3hZVQh_vNDfl0dYOmgxY"
  }
} as const
