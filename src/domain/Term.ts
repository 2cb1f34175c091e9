/**
 * RDF terms and triples in their two shapes: the compact codec `T` that clients send and receive
 * over the WebSocket (`{"t":"i","i":…}`), and the processor-side records `Term` / `Triple` that
 * travel on Pulsar with full field names and every field present.
 *
 * Quoted triples (RDF-star) make both shapes recursive.
 */
import { Schema } from "effect"

// ---------------------------------------------------------------------------------------------
// Client codec
// ---------------------------------------------------------------------------------------------

/** An IRI: `{"t":"i","i":"http://…"}`. */
export interface IriT {
  readonly t: "i"
  readonly i: string
}

/** A blank node: `{"t":"b","d":"b0"}`. */
export interface BlankT {
  readonly t: "b"
  readonly d: string
}

/** A literal: `{"t":"l","v":"text","dt"?:"xsd IRI","ln"?:"en"}`; `dt` and `ln` are left out when empty. */
export interface LiteralT {
  readonly t: "l"
  readonly v: string
  readonly dt?: string
  readonly ln?: string
}

/** A quoted triple: `{"t":"t","tr":{"s":T,"p":T,"o":T,"g"?:"graph IRI"}}`. */
export interface QuotedT {
  readonly t: "t"
  readonly tr: TripleT
}

/** A term in the client codec. */
export type T = IriT | BlankT | LiteralT | QuotedT

/**
 * A triple (or quad) in the client codec. `g` names the graph; absent means the default graph.
 * A `null` graph is accepted on input because clients that build frames from nullable fields send
 * it; it is never produced.
 */
export interface TripleT {
  readonly s: T
  readonly p: T
  readonly o: T
  readonly g?: string | null
}

export const IriT: Schema.Codec<IriT> = Schema.Struct({
  t: Schema.Literal("i"),
  i: Schema.String
})

export const BlankT: Schema.Codec<BlankT> = Schema.Struct({
  t: Schema.Literal("b"),
  d: Schema.String
})

export const LiteralT: Schema.Codec<LiteralT> = Schema.Struct({
  t: Schema.Literal("l"),
  v: Schema.String,
  dt: Schema.optionalKey(Schema.String),
  ln: Schema.optionalKey(Schema.String)
})

export const QuotedT: Schema.Codec<QuotedT> = Schema.Struct({
  t: Schema.Literal("t"),
  tr: Schema.suspend((): Schema.Codec<TripleT> => TripleT)
})

export const T: Schema.Codec<T> = Schema.Union([IriT, BlankT, LiteralT, QuotedT])

export const TripleT: Schema.Codec<TripleT> = Schema.Struct({
  s: T,
  p: T,
  o: T,
  g: Schema.optionalKey(Schema.NullOr(Schema.String))
})

// ---------------------------------------------------------------------------------------------
// Processor-side records
// ---------------------------------------------------------------------------------------------

/** The term kinds of the processor-side record: IRI, blank node, literal, quoted triple. */
export type TermType = "i" | "b" | "l" | "t"

/** An IRI, blank node or literal record: every string field present, `triple` null. */
export interface PlainTerm {
  readonly type: "i" | "b" | "l"
  readonly iri: string
  readonly id: string
  readonly value: string
  readonly datatype: string
  readonly language: string
  readonly triple: null
}

/** A quoted-triple record: the only term whose `triple` is not null. */
export interface QuotedTerm {
  readonly type: "t"
  readonly iri: string
  readonly id: string
  readonly value: string
  readonly datatype: string
  readonly language: string
  readonly triple: Triple
}

/** The processor-side `Term{type,iri,id,value,datatype,language,triple}`. */
export type Term = PlainTerm | QuotedTerm

/** The processor-side `Triple{s,p,o,g}`; `g` is null for the default graph. */
export interface Triple {
  readonly s: Term
  readonly p: Term
  readonly o: Term
  readonly g: string | null
}

const plainTermOf = (type: "i" | "b" | "l"): Schema.Codec<PlainTerm> =>
  Schema.Struct({
    type: Schema.Literal(type),
    iri: Schema.String,
    id: Schema.String,
    value: Schema.String,
    datatype: Schema.String,
    language: Schema.String,
    triple: Schema.Null
  })

export const QuotedTerm: Schema.Codec<QuotedTerm> = Schema.Struct({
  type: Schema.Literal("t"),
  iri: Schema.String,
  id: Schema.String,
  value: Schema.String,
  datatype: Schema.String,
  language: Schema.String,
  triple: Schema.suspend((): Schema.Codec<Triple> => Triple)
})

// One member per type, so that a bad record is reported against the member its `type` selects.
export const Term: Schema.Codec<Term> = Schema.Union([plainTermOf("i"), plainTermOf("b"), plainTermOf("l"), QuotedTerm])

export const Triple: Schema.Codec<Triple> = Schema.Struct({
  s: Term,
  p: Term,
  o: Term,
  g: Schema.NullOr(Schema.String)
})

// ---------------------------------------------------------------------------------------------
// Translation
// ---------------------------------------------------------------------------------------------

// Records are built field by field, in the reference's field order, so the JSON published to
// Pulsar has a stable shape regardless of how the frame was written.
const plain = (
  type: "i" | "b" | "l",
  iri: string,
  id: string,
  value: string,
  datatype: string,
  language: string
): PlainTerm => ({
  type,
  iri,
  id,
  value,
  datatype,
  language,
  triple: null
})

/** Client term → processor-side record. */
export const termToRecord = (term: T): Term => {
  switch (term.t) {
    case "i":
      return plain("i", term.i, "", "", "", "")
    case "b":
      return plain("b", "", term.d, "", "", "")
    case "l":
      return plain("l", "", "", term.v, term.dt ?? "", term.ln ?? "")
    case "t":
      return {
        type: "t",
        iri: "",
        id: "",
        value: "",
        datatype: "",
        language: "",
        triple: tripleToRecord(term.tr)
      }
  }
}

/** Processor-side record → client term. Fields that do not belong to the term's type are not carried. */
export const termFromRecord = (term: Term): T => {
  switch (term.type) {
    case "i":
      return { t: "i", i: term.iri }
    case "b":
      return { t: "b", d: term.id }
    case "l": {
      const literal: { t: "l"; v: string; dt?: string; ln?: string } = { t: "l", v: term.value }
      if (term.datatype !== "") literal.dt = term.datatype
      if (term.language !== "") literal.ln = term.language
      return literal
    }
    case "t":
      return { t: "t", tr: tripleFromRecord(term.triple) }
  }
}

/** Client triple → processor-side record; an absent graph becomes `g: null`. */
export const tripleToRecord = (triple: TripleT): Triple => ({
  s: termToRecord(triple.s),
  p: termToRecord(triple.p),
  o: termToRecord(triple.o),
  g: triple.g ?? null
})

/** Processor-side record → client triple; a null graph is left out. */
export const tripleFromRecord = (triple: Triple): TripleT =>
  triple.g === null
    ? { s: termFromRecord(triple.s), p: termFromRecord(triple.p), o: termFromRecord(triple.o) }
    : { s: termFromRecord(triple.s), p: termFromRecord(triple.p), o: termFromRecord(triple.o), g: triple.g }
