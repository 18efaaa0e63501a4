/**
 * One verification of a pact against a FakeTeo of the documented profile
 * that will not rate limit on demand (the state only renews the token), in a process of
 * its own: Pact's native Verifier prints its report to the process's stdout,
 * and a report with a failure in it (a pending interaction, a refusal) must
 * not end up in a passing test run's output. The provider test runs it and
 * reads what it printed.
 *
 *   node contracts/test/verify-alone.ts <pact file>
 *
 * Exits 0 when the pact is verified, 1 when it is refused.
 */
import { Verifier } from "@pact-foundation/pact"
import { FakeTeo } from "@teo-effect/testing"
import { providerOf } from "./FakeTeoProvider.ts"
import { logLevel } from "./pacts.ts"

const [pactUrl] = process.argv.slice(2)
if (pactUrl === undefined) {
  process.stderr.write("usage: node contracts/test/verify-alone.ts <pact file>\n")
  process.exit(2)
}
const fake = await FakeTeo.start({ profile: "documented" })
const provider = providerOf(fake, { rateLimitOnDemand: false })
let verified = false
try {
  await new Verifier({
    provider: "teo-api",
    providerBaseUrl: fake.url,
    pactUrls: [pactUrl],
    stateHandlers: provider.stateHandlers,
    requestFilter: provider.requestFilter,
    logLevel
  }).verifyProvider()
  verified = true
} catch {
  verified = false
} finally {
  await fake.close()
}
process.exit(verified ? 0 : 1)
