/** A token failure for the state machine's tests. */
import { TokenRequestFailed } from "@teo-effect/auth"

export const TokenFailure = new TokenRequestFailed({ reason: "ServerError", status: 503, detail: "busy" })
