/**
 * Errors for data that cannot be translated, and the helpers that turn a schema issue into a
 * message a user can act on plus the JSON path of the offending value (`triples[3].o.t`).
 */
import { Predicate, Schema, SchemaAST, SchemaIssue } from "effect"

/**
 * A client frame that cannot be imported: malformed JSON, not UTF-8, or not the kind's shape.
 * The connection stays usable; the frame is answered with an error frame.
 */
export class FrameRejected extends Schema.TaggedError<FrameRejected>()("FrameRejected", {
  /** What was wrong, where, and (when it can be told) what was expected instead. */
  message: Schema.String,
  /** JSON path of the offending value, e.g. `triples[3].o.t`; `""` for the frame as a whole. */
  path: Schema.String,
  /** 1-based number of the frame on its connection, when known. */
  frame: Schema.optionalKey(Schema.Number)
}) {}

/**
 * A message read from the broker that is not a record of the expected kind, or that cannot be
 * shown to clients (for instance a quoted-triple term without its triple).
 */
export class RecordRejected extends Schema.TaggedError<RecordRejected>()("RecordRejected", {
  kind: Schema.String,
  message: Schema.String,
  path: Schema.String
}) {}

/** The error frame sent to a client for a rejected frame: `{"error":{"message","path","frame"?}}`. */
export interface ErrorFrame {
  readonly error: {
    readonly message: string
    readonly path: string
    readonly frame?: number
  }
}

export const toErrorFrame = (rejected: FrameRejected): ErrorFrame => ({
  error:
    rejected.frame === undefined
      ? { message: rejected.message, path: rejected.path }
      : { message: rejected.message, path: rejected.path, frame: rejected.frame }
})

/** One problem found in a value: a human-readable message (which names the path) and the path. */
export interface Problem {
  readonly message: string
  readonly path: string
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `["triples", 3, "o", "t"]` → `triples[3].o.t`; keys that are not identifiers are quoted. */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else if (typeof key === "symbol") out += `[${String(key)}]`
    else if (identifier.test(key)) out += out === "" ? key : `.${key}`
    else out += `[${JSON.stringify(key)}]`
  }
  return out
}

/** Echoed input is cut short so one huge wrong value cannot blow up an error frame. */
const MAX_DETAIL = 300

const clip = (text: string): string => (text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`)

const located = (path: string, detail: string): Problem => ({
  path,
  message: path === "" ? clip(detail) : `${path}: ${clip(detail)}`
})

/**
 * Renders a value the way it appeared in the JSON, for "got …" in messages, stopping soon after
 * `MAX_DETAIL` characters: a wrong value can be a whole 50 MiB frame, and rendering all of it
 * only to cut it short would stall the connection for seconds.
 */
export const show = (value: unknown): string => {
  if (value === undefined) return "nothing"
  let out = ""
  const write = (v: unknown, depth: number): void => {
    if (out.length > MAX_DETAIL) return
    if (typeof v === "string") {
      out += JSON.stringify(v.length > MAX_DETAIL ? v.slice(0, MAX_DETAIL + 1) : v)
    } else if (typeof v !== "object" || v === null) {
      out += String(v)
    } else if (depth > 8) {
      out += "…"
    } else if (Array.isArray(v)) {
      out += "["
      for (let i = 0; i < v.length && out.length <= MAX_DETAIL; i++) {
        if (i > 0) out += ","
        write(v[i], depth + 1)
      }
      out += "]"
    } else {
      out += "{"
      let first = true
      for (const key in v) {
        if (out.length > MAX_DETAIL) break
        out += `${first ? "" : ","}${JSON.stringify(key)}:`
        first = false
        write((v as { readonly [key: string]: unknown })[key], depth + 1)
      }
      out += "}"
    }
  }
  write(value, 0)
  return clip(out)
}

/**
 * When every member of a union is a struct with a literal-typed field of the same name (the `t`
 * of a term, the `type` of a term record), that field decides the member. A failure of such a
 * union is then best reported at that field (`t: expected "i", "b", "l" or "t", got "x"`) rather
 * than as "expected A | B | C" for the whole object.
 */
const discriminantOf = (
  union: SchemaAST.Union
): { readonly key: string; readonly values: ReadonlyArray<SchemaAST.LiteralValue> } | undefined => {
  let candidates: ReadonlyArray<string> | undefined
  const valuesByKey = new Map<string, Array<SchemaAST.LiteralValue>>()
  for (const member of union.types) {
    if (!SchemaAST.isObjects(member)) return undefined
    const literalKeys: Array<string> = []
    for (const property of member.propertySignatures) {
      if (typeof property.name !== "string") continue
      const literals = literalsOf(property.type)
      if (literals === undefined) continue
      literalKeys.push(property.name)
      const values = valuesByKey.get(property.name) ?? []
      values.push(...literals)
      valuesByKey.set(property.name, values)
    }
    candidates = candidates === undefined ? literalKeys : candidates.filter((key) => literalKeys.includes(key))
  }
  const key = candidates?.[0]
  if (key === undefined) return undefined
  return { key, values: valuesByKey.get(key) ?? [] }
}

const literalsOf = (ast: SchemaAST.AST): ReadonlyArray<SchemaAST.LiteralValue> | undefined => {
  if (SchemaAST.isLiteral(ast)) return [ast.literal]
  if (!SchemaAST.isUnion(ast)) return undefined
  const literals = ast.types.flatMap((member) => (SchemaAST.isLiteral(member) ? [member.literal] : []))
  return literals.length === ast.types.length ? literals : undefined
}

const listOf = (values: ReadonlyArray<SchemaAST.LiteralValue>): string => {
  const shown = values.map((value) => JSON.stringify(value))
  return shown.length <= 1 ? shown.join("") : `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`
}

// A stand-in for the input while Effect's formatter writes the message, replaced afterwards by
// `show`'s short rendering: the formatter would render the whole input first.
const INPUT = "\u0000input\u0000"

const leafHook: SchemaIssue.LeafHook = (issue) => {
  if (!SchemaIssue.hasInput(issue)) return SchemaIssue.defaultLeafHook(issue)
  const standIn = Object.assign(Object.create(Object.getPrototypeOf(issue) as object) as object, issue, {
    input: INPUT
  })
  return SchemaIssue.defaultLeafHook(standIn as typeof issue).replace(JSON.stringify(INPUT), () => show(issue.input))
}

const standard = SchemaIssue.makeFormatterStandardSchemaV1({ leafHook })

const leafMessage = (issue: SchemaIssue.Issue): string => {
  if (issue._tag === "MissingKey") return "required field is missing"
  const message = standard(issue).issues[0]?.message ?? "invalid value"
  // Effect's "Expected string, got 3" reads better after "path: " in lower case.
  return message.startsWith("Expected ") ? `e${message.slice(1)}` : message
}

/** The path of the first problem inside `issue`, relative to `issue` itself. */
const firstPointer = (issue: SchemaIssue.Issue): PropertyKey | undefined => {
  switch (issue._tag) {
    case "Pointer":
      return issue.path[0] ?? firstPointer(issue.issue)
    case "Encoding":
    case "Filter":
      return firstPointer(issue.issue)
    case "Composite":
    case "AnyOf": {
      const first = issue.issues[0]
      return first === undefined ? undefined : firstPointer(first)
    }
    default:
      return undefined
  }
}

const describeAt = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>): Problem => {
  switch (issue._tag) {
    case "Pointer":
      return describeAt(issue.issue, [...path, ...issue.path])
    case "Encoding":
      return describeAt(issue.issue, path)
    case "Composite": {
      const first = issue.issues[0]
      return first === undefined ? located(formatPath(path), leafMessage(issue)) : describeAt(first, path)
    }
    case "AnyOf":
      return describeUnion(issue, path)
    default:
      return located(formatPath(path), leafMessage(issue))
  }
}

const describeUnion = (issue: SchemaIssue.AnyOf, path: ReadonlyArray<PropertyKey>): Problem => {
  const only = issue.issues.length === 1 ? issue.issues[0] : undefined
  if (only !== undefined) return describeAt(only, path)
  const discriminant = discriminantOf(issue.ast)
  if (discriminant === undefined) return located(formatPath(path), leafMessage(issue))
  const input = SchemaIssue.hasInput(issue) ? issue.input : undefined
  const { key, values } = discriminant
  if (!Predicate.isReadonlyObject(input)) {
    return located(formatPath(path), `expected an object whose "${key}" is ${listOf(values)}, got ${show(input)}`)
  }
  const where = formatPath([...path, key])
  const got = input[key]
  if (got === undefined) return located(where, `required field is missing (expected ${listOf(values)})`)
  if (values.some((value) => value === got)) {
    // The discriminant picked a member; report what is wrong inside that member rather than
    // the other members' complaints about the discriminant.
    const inMember = issue.issues.find((sub) => firstPointer(sub) !== key)
    if (inMember !== undefined) return describeAt(inMember, path)
  }
  return located(where, `expected ${listOf(values)}, got ${show(got)}`)
}

/**
 * The first problem in a schema issue, as `{message, path}`. Decoding stops at the first problem,
 * so this is the one the user has to fix first.
 */
export const describeIssue = (issue: SchemaIssue.Issue): Problem => describeAt(issue, [])
