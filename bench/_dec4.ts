import { Dossier, JsonLdResource } from "@teo-effect/api"
import { Effect, Predicate, Result, Schema, SchemaTransformation } from "effect"
import { dossierFields } from "../packages/api/dist/Assumptions.js"
import { readFileSync } from "node:fs"
const page = JSON.parse(readFileSync("/tmp/page.json", "utf8"))
const members = page["hydra:member"]
const time = (name: string, f: () => unknown, n = 5000) => { for (let i = 0; i < 1000; i++) f(); const t = performance.now(); for (let i = 0; i < n; i++) f(); console.log(name.padEnd(40), ((performance.now() - t) * 1000 / n).toFixed(1), "µs/30") }
const Known = Schema.Struct({ ...JsonLdResource.fields, ...dossierFields })
const arr = (s: Schema.Top) => Schema.decodeUnknownSync(Schema.Array(s as any))
const cur = arr(Dossier); time("StructWithRest (current)", () => cur(members))
const k = arr(Known); time("Struct known only", () => k(members))
const is = Schema.is(Known); time("Schema.is(Known) x30", () => { for (const m of members) if (!is(m)) throw 0 })
const decodeKnown = Schema.decodeUnknownResult(Known)
const Keep = Schema.Unknown.pipe(Schema.decodeTo(Schema.declare((u): u is typeof Known.Type => Predicate.isObject(u)), SchemaTransformation.transformEffect({
  decode: (input, options) => { const r = decodeKnown(input, options); return Result.isSuccess(r) ? Effect.succeed(input as typeof Known.Type) : Effect.fail(r.failure.issue) },
  encode: (x) => Effect.succeed(x)
})))
const kp = arr(Keep); time("validate known, return input", () => kp(members))
const isKnown = Schema.is(Known)
const Keep2 = Schema.declare((u): u is typeof Known.Type => isKnown(u))
const kp2 = arr(Keep2); time("declare(is(Known))", () => kp2(members))
