/**
 * The TypeDoc plugin of the API reference (`scripts/typedoc.json`): pages that
 * show what this library offers rather than what it inherits from Effect.
 * `excludeExternals` already drops the members declared inside `effect`
 * (`[iterator]`, `pipe`, `of`, `useSync`…); this plugin then
 *
 * - lists a service's own members on its page: for `class X extends
 *   Context.Service<X, Shape>()("id")`, the members of `Shape` (what
 *   `yield* X` gives) in a "Service" group first, or a link to `Shape` when it
 *   is a named interface; without the constructor no one calls and the
 *   `ServiceClass.Shape` hierarchy line;
 * - shows the fields of a `Schema.Class` / `Schema.TaggedError` as the class's
 *   own, not as "inherited from" an anonymous class expression;
 * - gives a namespace re-exported with `export * as X` (`Teo`, `RetryPolicy`…)
 *   the summary of its module when the comment on the re-export has none.
 */
import {
  type Application,
  Comment,
  type CommentDisplayPart,
  CommentTag,
  type Context,
  Converter,
  type DeclarationReflection,
  ReferenceType,
  ReflectionKind,
  ReflectionType,
  type SignatureReflection
} from "typedoc"
import ts from "typescript"

/** The group of a service's own members, listed first on its page. */
const serviceGroup = "Service"

const code = (text: string): CommentDisplayPart => ({ kind: "code", text: `\`${text}\`` })
const text = (text: string): CommentDisplayPart => ({ kind: "text", text })

/** The `Shape` of `Context.Service<Self, Shape>()(id)`, as TypeDoc sees the class's base. */
const serviceShape = (cls: DeclarationReflection) => {
  const base = cls.extendedTypes?.[0]
  if (!(base instanceof ReferenceType) || base.package !== "effect" || base.qualifiedName !== "ServiceClass.Shape") {
    return undefined
  }
  return base.typeArguments?.[1]
}

const namespaceSummary = (context: Context, reflection: DeclarationReflection): void => {
  if (!reflection.kindOf(ReflectionKind.Namespace)) return
  if (reflection.comment?.summary.some((part) => part.text.trim() !== "")) return
  const file = context.getSymbolFromReflection(reflection)?.declarations?.find(ts.isSourceFile)
  // An Effect-style module comment has no `@module` tag, so TypeDoc does not take it for the
  // module's: it is the comment before the file's first import.
  const first = file?.statements[0]
  const moduleComment =
    first !== undefined && ts.isImportDeclaration(first) ? context.getNodeComment(first, false) : undefined
  if (moduleComment === undefined || moduleComment.summary.length === 0) return
  reflection.comment ??= new Comment()
  reflection.comment.summary = Comment.cloneDisplayParts(moduleComment.summary)
}

/**
 * A member inherited from, or overriding, a base that is not documented (a
 * `Schema.Class(...)` expression, once `excludeExternals` has dropped Effect's
 * own members) is shown as the class's own.
 */
const ownIfBaseUndocumented = (reflection: DeclarationReflection | SignatureReflection): void => {
  if (reflection.inheritedFrom !== undefined && reflection.inheritedFrom.reflection === undefined) {
    delete reflection.inheritedFrom
  }
  if (reflection.overwrites !== undefined && reflection.overwrites.reflection === undefined) {
    delete reflection.overwrites
  }
}

const services = (context: Context): void => {
  const project = context.project
  for (const cls of project.getReflectionsByKind(ReflectionKind.Class) as Array<DeclarationReflection>) {
    for (const member of cls.children ?? []) {
      for (const reflection of [member, ...member.getAllSignatures()]) ownIfBaseUndocumented(reflection)
    }
    const shape = serviceShape(cls)
    if (shape === undefined) continue
    for (const ctor of cls.getChildrenByKind(ReflectionKind.Constructor)) project.removeReflection(ctor)
    delete cls.extendedTypes
    const yieldStar = code(`yield* ${cls.name}`)
    cls.comment ??= new Comment()
    if (shape instanceof ReflectionType) {
      const members = [...(shape.declaration.children ?? [])]
      for (const member of members) {
        shape.declaration.removeChild(member)
        member.parent = cls
        member.comment ??= new Comment()
        member.comment.blockTags.push(new CommentTag("@group", [text(serviceGroup)]))
        cls.addChild(member)
      }
      project.removeReflection(shape.declaration)
      cls.comment.blockTags.push(
        new CommentTag("@groupDescription", [
          text(`${serviceGroup}\nWhat `),
          yieldStar,
          text(" gives, in an "),
          code("Effect.gen"),
          text(": the service's members.")
        ])
      )
    } else if (shape instanceof ReferenceType) {
      cls.comment.summary.push(
        text("\n\n"),
        yieldStar,
        text(" gives the service, a "),
        shape.reflection === undefined
          ? code(shape.name)
          : { kind: "inline-tag", tag: "@link", text: shape.name, target: shape.reflection },
        text(".")
      )
    }
  }
}

/** Puts the "Service" group first (TypeDoc groups the members at `RESOLVE_END`, priority -100). */
const serviceGroupFirst = (context: Context): void => {
  for (const cls of context.project.getReflectionsByKind(ReflectionKind.Class) as Array<DeclarationReflection>) {
    const index = cls.groups?.findIndex((group) => group.title === serviceGroup) ?? -1
    if (cls.groups !== undefined && index > 0) cls.groups.unshift(...cls.groups.splice(index, 1))
  }
}

/** Called by TypeDoc with `--plugin`. */
export const load = (app: Application): void => {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, namespaceSummary)
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, services)
  app.converter.on(Converter.EVENT_RESOLVE_END, serviceGroupFirst, -200)
}
