/**
 * `teo partner-link` run in process, for the tests of its answers and of
 * its bound: its exit code, stdout and stderr, recorded; a server of the
 * test's own on 127.0.0.1, closed with the test; and the moment teo's client
 * has read an answer's head.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel"
import type { Server as HttpServer } from "node:http"
import type { Server as NetServer } from "node:net"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { main, Progress } from "@teo-effect/cli"
import { makeEventCount } from "@teo-effect/test-support"
import { Console, Effect, Layer, Predicate } from "effect"

/** The dossier the links are asked for. */
export const dossier = "0b6c6f0e-8f1a-4c5e-9d2b-3a4f5e6d7c8b"

/** `teo partner-link --dossier <dossierRef> --fake-url <origin>`: its exit code, stdout and stderr. */
export const partnerLink = (origin: string, dossierRef = dossier) =>
  Effect.gen(function* () {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const recording = Object.assign(Object.create(console) as Console.Console, {
      log: (...parts: ReadonlyArray<unknown>) => stdout.push(parts.join(" ")),
      error: (...parts: ReadonlyArray<unknown>) => stderr.push(parts.join(" "))
    })
    const code = yield* main(["partner-link", "--dossier", dossierRef, "--fake-url", origin]).pipe(
      Effect.provide(Layer.merge(NodeServices.layer, Progress.layerStderr)),
      Effect.provideService(Console.Console, recording)
    )
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") }
  })

/** `server` listening on a free port of 127.0.0.1, its origin; `drop` ends its connections before it closes with the scope. */
export const listening = (server: HttpServer | NetServer, drop: () => void) =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<string>((resolve) =>
          server.listen(0, "127.0.0.1", () => {
            const address = server.address()
            resolve(`http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`)
          })
        )
    ),
    () =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            drop()
            server.close(() => resolve())
          })
      )
  )

/** undici's channel for an answer's head received (status and headers): https://undici.nodejs.org/#/docs/api/DiagnosticsChannel */
const headersChannel = "undici:request:headers"

/**
 * For the current scope: an effect that completes once undici — teo
 * partner-link's HTTP client — has read the head of an answer from `origin`,
 * as undici's `undici:request:headers` diagnostics channel tells it. undici
 * publishes there just before it resolves the request's promise with the
 * answer; the yield after the message lets that resolution reach teo, so by
 * the time the test moves the clock, teo has the status.
 */
export const answerBegun = (origin: string) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.sync(() => {
        const begun = makeEventCount()
        const onHeaders = (message: unknown) => {
          if (
            Predicate.hasProperty(message, "request") &&
            Predicate.hasProperty(message.request, "origin") &&
            String(message.request.origin) === origin
          ) {
            begun.bump()
          }
        }
        subscribe(headersChannel, onHeaders)
        return { begun, onHeaders }
      }),
      ({ onHeaders }) => Effect.sync(() => unsubscribe(headersChannel, onHeaders))
    ),
    ({ begun }) => Effect.andThen(begun.reached(1), Effect.yieldNow)
  )
