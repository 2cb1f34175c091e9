/**
 * RDF text ⇄ the client codec: terms from an RDF/JS parser (n3) become `T`, and `T` becomes
 * N-Triples (N-Quads when a triple names its graph; RDF-star `<< … >>` for quoted triples).
 */
import type { BlankT, IriT, LiteralT, T, TripleT } from "./Term.ts"

const xsdString = "http://www.w3.org/2001/XMLSchema#string"
const rdfLangString = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

/** The part of the RDF/JS term model the conversion reads. */
export type RdfTerm =
  | { readonly termType: "NamedNode"; readonly value: string }
  | { readonly termType: "BlankNode"; readonly value: string }
  | {
      readonly termType: "Literal"
      readonly value: string
      readonly language: string
      readonly datatype: { readonly value: string }
    }
  | { readonly termType: "Variable" | "DefaultGraph"; readonly value: string }
  | RdfQuad

export interface RdfQuad {
  readonly termType: "Quad"
  readonly subject: RdfTerm
  readonly predicate: RdfTerm
  readonly object: RdfTerm
  readonly graph: RdfTerm
}

export const termFromRdf = (term: RdfTerm): T => {
  switch (term.termType) {
    case "NamedNode":
      return { t: "i", i: term.value } satisfies IriT
    case "BlankNode":
      return { t: "b", d: term.value } satisfies BlankT
    case "Literal": {
      const dt = term.datatype.value
      return {
        t: "l",
        v: term.value,
        ...(dt !== "" && dt !== xsdString && dt !== rdfLangString ? { dt } : {}),
        ...(term.language !== "" ? { ln: term.language } : {})
      } satisfies LiteralT
    }
    case "Quad":
      return { t: "t", tr: tripleFromRdf(term) }
    default:
      throw new Error(`an RDF ${term.termType} cannot be sent as a term`)
  }
}

export const tripleFromRdf = (quad: RdfQuad): TripleT => {
  const triple = { s: termFromRdf(quad.subject), p: termFromRdf(quad.predicate), o: termFromRdf(quad.object) }
  return quad.graph.termType === "NamedNode" ? { ...triple, g: quad.graph.value } : triple
}

// N-Triples string escapes (ECHAR), and \u escapes for the other control characters.
const escapeString = (text: string): string =>
  text.replace(/["\\\n\r\t\b\f]|[\u0000-\u001f\u007f]/g, (char) => {
    switch (char) {
      case '"':
        return '\\"'
      case "\\":
        return "\\\\"
      case "\n":
        return "\\n"
      case "\r":
        return "\\r"
      case "\t":
        return "\\t"
      case "\b":
        return "\\b"
      case "\f":
        return "\\f"
      default:
        return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`
    }
  })

// IRIs may not contain these characters raw in N-Triples.
const escapeIri = (iri: string): string =>
  iri.replace(
    /[\u0000-\u0020<>"{}|^`\\]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`
  )

export const termToNTriples = (term: T): string => {
  switch (term.t) {
    case "i":
      return `<${escapeIri(term.i)}>`
    case "b":
      return `_:${term.d.replace(/[^A-Za-z0-9_\-.]/g, "_")}`
    case "l":
      return `"${escapeString(term.v)}"${
        term.ln !== undefined && term.ln !== ""
          ? `@${term.ln}`
          : term.dt !== undefined && term.dt !== ""
            ? `^^<${escapeIri(term.dt)}>`
            : ""
      }`
    case "t":
      return `<< ${termToNTriples(term.tr.s)} ${termToNTriples(term.tr.p)} ${termToNTriples(term.tr.o)} >>`
  }
}

/** One line of N-Triples, or of N-Quads when the triple names a graph; no newline. */
export const tripleToNTriples = (triple: TripleT): string => {
  const terms = `${termToNTriples(triple.s)} ${termToNTriples(triple.p)} ${termToNTriples(triple.o)}`
  return typeof triple.g === "string" && triple.g !== "" ? `${terms} <${escapeIri(triple.g)}> .` : `${terms} .`
}
