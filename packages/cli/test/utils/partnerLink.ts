/**
 * `teo partner-link` run in process, for the tests of its answers and of
 * its bound: its exit code, stdout and stderr, recorded; and a server of
 * the test's own on 127.0.0.1, closed with the test.
 */
import type { Server as HttpServer } from "node:http"
import type { Server as NetServer } from "node:net"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { main, Progress } from "@teo-effect/cli"
import { Console, Effect, Layer } from "effect"

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
