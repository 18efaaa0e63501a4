/**
 * An `HttpClient` for Node on undici's `Dispatcher.dispatch`: the answer's
 * bytes are kept as they arrive and decoded once, with no Node stream, no
 * abort signal and no finalizer per request in between — the client
 * `TeoApi` measured cheapest, below undici's own `request`
 * (docs/decisions/0007-undici-http-client.md).
 *
 * Provide it as any `HttpClient` layer. It keeps effect/http's contract, and
 * the same tests run against it, `FetchHttpClient` and
 * `NodeHttpClient.layerUndici`:
 * - redirects are not followed (the `Location` is the caller's to judge);
 * - a connection refused, reset or closed before the answer is a `TransportError`;
 * - a body that breaks off is a `DecodeError` when read;
 * - an interrupted request, or body read, aborts its request;
 * - an informational answer (`103 Early Hints`) is not the answer;
 * - a body is read whole (`text`, `json`…, by as many readers as ask) or as
 *   one `stream`, not both;
 * - with a tracer installed, effect/http's client span and the trace
 *   context (`traceparent`) sent, as its own clients do; without one,
 *   neither is made.
 *
 * Read or discard every body (`TeoApi` always does): a body nobody reads is
 * held up to 64 KiB, then its connection waits (back-pressure) until it is
 * read; it is not released when the answer is garbage-collected.
 *
 * Bodies sent: text and bytes (all that téo needs); a `FormData` or
 * `Stream` body fails with a `TransportError` saying so.
 *
 * @since 0.3.0
 */
import { Array as Arr, Cause, Effect, Inspectable, Layer, Option, Result, type Schema, Stream, Tracer } from "effect"
import {
  Cookies,
  Headers,
  HttpClient,
  HttpClientError,
  type HttpClientRequest,
  HttpClientResponse,
  HttpIncomingMessage,
  Url,
  UrlParams
} from "effect/http"
import { pipeArguments } from "effect/Pipeable"
import type { Dispatcher } from "undici"

/** Bytes held for a body nobody reads yet, before its connection is paused. */
const highWaterMark = 64 * 1024

const decoder = new TextDecoder()

type Failure = HttpClientError.HttpClientError

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })

/** What a finished body is: all of it, or the error that broke it off. */
type Ending = { readonly _tag: "End" } | { readonly _tag: "Error"; readonly cause: unknown }

/**
 * One request and its answer, as undici reports them (`DispatchHandler`):
 * the head resolves the request's effect; the body's chunks are kept until
 * read.
 */
class Exchange implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | undefined
  /** Set when the request was interrupted before undici handed over its controller. */
  abandoned = false
  onHead: ((response: Effect.Effect<HttpClientResponse.HttpClientResponse, Failure>) => void) | undefined
  chunks: Array<Uint8Array> = []
  size = 0
  ending: Ending | undefined
  /** The body's readers waiting for more. */
  waiting: Array<() => void> = []
  /** How the body is read: whole (text, json…, as often as asked) or as a stream (once, and nothing else). */
  readAs: "whole" | "stream" | undefined
  readonly request: HttpClientRequest.HttpClientRequest
  readonly url: string

  constructor(request: HttpClientRequest.HttpClientRequest, url: string) {
    this.request = request
    this.url = url
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.abandoned) controller.abort(new Error("the request was interrupted"))
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | Array<string> | undefined>
  ): void {
    // An informational answer (`100 Continue`, `103 Early Hints`) is not the answer.
    if (statusCode < 200) return
    const resume = this.onHead
    this.onHead = undefined
    resume?.(Effect.succeed(new UndiciResponse(this, statusCode, headers)))
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Uint8Array): void {
    this.chunks.push(chunk)
    this.size += chunk.byteLength
    this.wake()
    // Held for a reader that is not there (yet, or ever): past the mark, the connection waits.
    if (this.size > highWaterMark && this.waiting.length === 0) controller.pause()
  }

  onResponseEnd(): void {
    this.ending = { _tag: "End" }
    this.wake()
  }

  onResponseError(_controller: Dispatcher.DispatchController, cause: Error): void {
    const resume = this.onHead
    this.onHead = undefined
    if (resume !== undefined) {
      resume(Effect.fail(transportError(this.request, cause)))
      return
    }
    this.ending ??= { _tag: "Error", cause }
    this.wake()
  }

  wake(): void {
    const waiting = this.waiting
    if (waiting.length === 0) return
    this.waiting = []
    for (const reader of waiting) reader()
  }

  /** Lets the connection go on, if it was paused for want of a reader. */
  resume(): void {
    if (this.controller?.paused === true) this.controller.resume()
  }

  abort(): void {
    if (this.ending !== undefined) return
    this.ending = { _tag: "Error", cause: new Error("the body read was interrupted") }
    if (this.controller === undefined) this.abandoned = true
    else this.controller.abort(new Error("the body read was interrupted"))
  }
}

const decodeError = (response: UndiciResponse, cause: unknown) =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.DecodeError({ request: response.request, response, cause })
  })

/** The whole body, once it has ended; its read interrupted, the request aborted. */
const whole = (response: UndiciResponse): Effect.Effect<Uint8Array, Failure> =>
  Effect.callback<Uint8Array, Failure>((resume) => {
    const exchange = response.exchange
    if (exchange.readAs === "stream") {
      return resume(Effect.fail(decodeError(response, new Error("the body was read as a stream already"))))
    }
    exchange.readAs = "whole"
    const settle = () => {
      const ending = exchange.ending
      if (ending === undefined) {
        exchange.waiting.push(settle)
        exchange.resume()
        return
      }
      if (ending._tag === "Error") return resume(Effect.fail(decodeError(response, ending.cause)))
      const { chunks, size } = exchange
      resume(Effect.succeed(chunks.length === 1 ? (chunks[0] ?? new Uint8Array()) : Buffer.concat(chunks, size)))
    }
    settle()
    return Effect.sync(() => {
      if (exchange.ending === undefined) exchange.abort()
    })
  })

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: typeof HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: typeof HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly exchange: Exchange
  readonly status: number
  readonly headers: Headers.Headers
  private readonly rawSetCookie: string | Array<string> | undefined
  private textBody: Effect.Effect<string, Failure> | undefined

  constructor(exchange: Exchange, status: number, headers: Record<string, string | Array<string> | undefined>) {
    super()
    this.exchange = exchange
    this.status = status
    this.headers = Headers.fromInput(headers)
    this.rawSetCookie = headers["set-cookie"]
  }

  get request(): HttpClientRequest.HttpClientRequest {
    return this.exchange.request
  }

  get url(): string {
    return this.exchange.url
  }

  get cookies(): Cookies.Cookies {
    return this.rawSetCookie === undefined ? Cookies.empty : Cookies.fromSetCookie(this.rawSetCookie)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  get text(): Effect.Effect<string, Failure> {
    this.textBody ??= Effect.runSync(
      Effect.cached(Effect.map(whole(this), (bytes) => (bytes.byteLength === 0 ? "" : decoder.decode(bytes))))
    )
    return this.textBody
  }

  get json(): Effect.Effect<Schema.Json, Failure> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text)),
        catch: (cause) => decodeError(this, cause)
      })
    )
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, Failure> {
    return Effect.map(whole(this), (bytes) => {
      const copy = new ArrayBuffer(bytes.byteLength)
      new Uint8Array(copy).set(bytes)
      return copy
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, Failure> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text.replace(/^\?/, "%3F"))))
  }

  get formData(): Effect.Effect<FormData, Failure> {
    return Effect.flatMap(whole(this), (bytes) =>
      Effect.tryPromise({
        try: () =>
          new Response(new Uint8Array(bytes), {
            headers: { "content-type": this.headers["content-type"] ?? "" }
          }).formData(),
        catch: (cause) => decodeError(this, cause)
      })
    )
  }

  /** The body's chunks as they arrive; ended early (interrupted, taken from), the request is aborted. */
  get stream(): Stream.Stream<Uint8Array, Failure> {
    const exchange = this.exchange
    const pull = Effect.callback<Arr.NonEmptyReadonlyArray<Uint8Array>, Failure | Cause.Done>((resume) => {
      const take = () => {
        const chunks = exchange.chunks
        if (Arr.isArrayNonEmpty(chunks)) {
          exchange.chunks = []
          exchange.size = 0
          exchange.resume()
          return resume(Effect.succeed(chunks))
        }
        const ending = exchange.ending
        if (ending === undefined) {
          exchange.waiting.push(take)
          exchange.resume()
          return
        }
        resume(ending._tag === "Error" ? Effect.fail(decodeError(this, ending.cause)) : Cause.done())
      }
      take()
    })
    return Stream.suspend(() => {
      if (exchange.readAs !== undefined) {
        return Stream.fail(
          decodeError(
            this,
            new Error(`the body was read ${exchange.readAs === "stream" ? "as a stream" : "whole"} already`)
          )
        )
      }
      exchange.readAs = "stream"
      return Stream.fromPull(Effect.succeed(pull)).pipe(Stream.ensuring(Effect.sync(() => exchange.abort())))
    })
  }

  get upgrade(): HttpClientResponse.HttpClientResponse["upgrade"] {
    return Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.StatusCodeError({
          request: this.request,
          response: this,
          description: "this client does not upgrade connections"
        })
      })
    )
  }

  toJSON(): unknown {
    return { _id: "effect/http/HttpClientResponse", status: this.status, url: this.url }
  }

  pipe() {
    // biome-ignore lint/complexity/noArguments: Pipeable's own signature
    return pipeArguments(this, arguments)
  }
}

/**
 * An `HttpClient` sending every request through `dispatcher`: an undici
 * `Agent` or `Pool` of your own (with `undici` in your own dependencies),
 * configured as you need (`connections`, `keepAliveTimeout`, a proxy…). The
 * dispatcher stays yours to close. Most applications want `layer`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient => {
  const send = (
    request: HttpClientRequest.HttpClientRequest
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, Failure> => {
    const url = Url.make(request.url, request.urlParams, Option.getOrUndefined(request.hash))
    if (Result.isFailure(url)) {
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.InvalidUrlError({ request, cause: url.failure })
        })
      )
    }
    return sendTo(request, url.success, undefined)
  }
  const sendTo = (
    request: HttpClientRequest.HttpClientRequest,
    href: URL,
    signal: AbortSignal | undefined
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, Failure> => {
    const body = request.body
    if (body._tag === "FormData" || body._tag === "Stream") {
      return Effect.fail(transportError(request, new Error(`UndiciHttpClient does not send a ${body._tag} body`)))
    }
    const payload = body._tag === "Empty" ? null : body.body
    if (payload !== null && typeof payload !== "string" && !(payload instanceof Uint8Array)) {
      return Effect.fail(transportError(request, new Error("UndiciHttpClient sends text and bytes only")))
    }
    return Effect.callback<HttpClientResponse.HttpClientResponse, Failure>((resume) => {
      const exchange = new Exchange(request, `${href.origin}${href.pathname}${href.search}`)
      exchange.onHead = resume
      signal?.addEventListener("abort", () => exchange.abort(), { once: true })
      try {
        dispatcher.dispatch(
          {
            method: request.method,
            origin: href.origin,
            path: `${href.pathname}${href.search}`,
            headers: request.headers,
            body: payload,
            // Timeouts are the caller's (Effect.timeout), as with effect/http's own clients.
            headersTimeout: 0,
            bodyTimeout: 0
          },
          exchange
        )
      } catch (cause) {
        exchange.onHead = undefined
        resume(Effect.fail(transportError(request, cause)))
      }
      return Effect.sync(() => {
        if (exchange.onHead === undefined) return
        exchange.onHead = undefined
        exchange.abort()
      })
    })
  }
  // With a tracer installed, effect/http's own machinery: its client span and the trace context
  // sent to the server (`traceparent`), as with effect/http's clients. Without one, nobody would
  // see them: the request goes straight to undici.
  const traced = HttpClient.make((request, url, signal) => sendTo(request, url, signal))
  return HttpClient.makeWith<Failure, never, Failure, never>(
    (effect) =>
      Effect.withFiber((fiber) =>
        fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer ? Effect.flatMap(effect, send) : traced.postprocess(effect)
      ),
    Effect.succeed
  )
}

/**
 * The client on a new undici `Agent`, closed with the layer.
 *
 * @example
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Dossiers, Teo, UndiciHttpClient } from "@teo-effect/api"
 * import { Effect, Layer } from "effect"
 *
 * const TeoLive = Teo.layerConfig().pipe(Layer.provide(UndiciHttpClient.layer))
 *
 * const program = Effect.gen(function* () {
 *   const dossiers = yield* Dossiers
 *   const first = yield* dossiers.page({ itemsPerPage: 10 })
 *   yield* Effect.log(`${first.member.length} dossiers`)
 * })
 *
 * program.pipe(Effect.provide(TeoLive), NodeRuntime.runMain)
 * ```
 *
 * @since 0.3.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(
      Effect.promise(() => import("undici").then((undici) => new undici.Agent())),
      (agent) => Effect.promise(() => agent.destroy())
    ),
    make
  )
)
