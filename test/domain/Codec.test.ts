import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import {
  encodeFrame,
  encodeRecord,
  parseFrame,
  parseRecord,
  recordToFrame,
  translateFrame,
  translateRecord
} from "../../src/domain/Codec.ts"
import { FrameRejected, RecordRejected, toErrorFrame } from "../../src/domain/errors.ts"
import type { ExportableKindName, KindName } from "../../src/domain/Kinds.ts"
import { textOf } from "../support/connection.ts"
import { pythonJson } from "./fixtures.ts"

const utf8 = new TextDecoder()
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** The payload that importing `frame` (JSON text) publishes, as text. */
const published = (kind: KindName, frame: string): string => utf8.decode(Result.getOrThrow(translateFrame(kind, frame)))

/** The rejection of a frame that must not decode. */
const rejection = (kind: KindName, input: string | Uint8Array, frame?: number): FrameRejected => {
  const result = parseFrame(kind, input, frame)
  if (Result.isSuccess(result)) throw new Error(`expected ${kind} frame to be rejected: ${String(input)}`)
  return result.failure
}

const recordRejection = (kind: KindName, payload: string): RecordRejected => {
  const result = parseRecord(kind, payload)
  if (Result.isSuccess(result)) throw new Error(`expected ${kind} record to be rejected: ${payload}`)
  return result.failure
}

const iri = (value: string) =>
  `{"type":"i","iri":${JSON.stringify(value)},"id":"","value":"","datatype":"","language":"","triple":null}`

describe("Codec", () => {
  describe("import: client frame → Pulsar payload, pinned to the wire reference", () => {
    it("a triples frame becomes Triples with full field names, empty strings, triple null and g null", () => {
      const payload = published(
        "triples",
        JSON.stringify({
          metadata: { id: "doc1", collection: "default" },
          triples: [
            {
              s: { t: "i", i: "http://example.org/alice" },
              p: { t: "i", i: "http://xmlns.com/foaf/0.1/name" },
              o: { t: "l", v: "Alice", ln: "en" }
            }
          ]
        })
      )
      assert.strictEqual(
        payload,
        `{"metadata":{"id":"doc1","root":"","collection":"default"},"triples":[{` +
          `"s":${iri("http://example.org/alice")},` +
          `"p":${iri("http://xmlns.com/foaf/0.1/name")},` +
          `"o":{"type":"l","iri":"","id":"","value":"Alice","datatype":"","language":"en","triple":null},` +
          `"g":null}]}`
      )
    })

    it("legacy keys such as metadata.metadata and user are ignored, not rejected", () => {
      const payload = published(
        "triples",
        JSON.stringify({
          metadata: { id: "d", metadata: [], user: "trustgraph", collection: "c" },
          user: "trustgraph",
          triples: []
        })
      )
      assert.strictEqual(payload, `{"metadata":{"id":"d","root":"","collection":"c"},"triples":[]}`)
    })

    it("a root in the metadata is carried to the record", () => {
      const payload = published("triples", `{"metadata":{"id":"d","root":"r","collection":"c"},"triples":[]}`)
      assert.strictEqual(payload, `{"metadata":{"id":"d","root":"r","collection":"c"},"triples":[]}`)
    })

    it("a triple's graph becomes g, and a quoted triple nests its own record", () => {
      const payload = published(
        "triples",
        JSON.stringify({
          metadata: { id: "d", collection: "c" },
          triples: [
            {
              s: {
                t: "t",
                tr: {
                  s: { t: "b", d: "b0" },
                  p: { t: "i", i: "http://ex/p" },
                  o: { t: "l", v: "1", dt: "xsd:int" },
                  g: "http://ex/g1"
                }
              },
              p: { t: "i", i: "http://ex/says" },
              o: { t: "i", i: "http://ex/o" },
              g: "http://ex/g2"
            }
          ]
        })
      )
      assert.deepStrictEqual(JSON.parse(payload).triples[0], {
        s: {
          type: "t",
          iri: "",
          id: "",
          value: "",
          datatype: "",
          language: "",
          triple: {
            s: { type: "b", iri: "", id: "b0", value: "", datatype: "", language: "", triple: null },
            p: JSON.parse(iri("http://ex/p")),
            o: { type: "l", iri: "", id: "", value: "1", datatype: "xsd:int", language: "", triple: null },
            g: "http://ex/g1"
          }
        },
        p: JSON.parse(iri("http://ex/says")),
        o: JSON.parse(iri("http://ex/o")),
        g: "http://ex/g2"
      })
    })

    it("a graph-embeddings frame becomes GraphEmbeddings whose entities have every field TrustGraph writes", () => {
      const payload = published(
        "graph-embeddings",
        `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"http://ex/e"},"vector":[0.25,-1.5,3]}]}`
      )
      assert.strictEqual(
        payload,
        `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":${iri("http://ex/e")},"vector":[0.25,-1.5,3],"chunk_id":"","rdf_type":[],"attributes":{}}]}`
      )
    })

    it("an entity-contexts frame becomes EntityContexts whose entities have every field TrustGraph writes", () => {
      const payload = published(
        "entity-contexts",
        `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"http://ex/e"},"context":"a person"}]}`
      )
      assert.strictEqual(
        payload,
        `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":${iri("http://ex/e")},"context":"a person","chunk_id":"","rdf_type":[],"attributes":{}}]}`
      )
    })

    it("a document-embeddings frame without metadata is filed under collection default, with a null id", () => {
      const payload = published("document-embeddings", `{"chunks":[{"chunk_id":"doc1/p0/c0","vector":[0.1,0.2]}]}`)
      assert.strictEqual(
        payload,
        `{"metadata":{"id":null,"root":"","collection":"default"},"chunks":[{"chunk_id":"doc1/p0/c0","vector":[0.1,0.2],"attributes":{}}]}`
      )
    })

    it("a document-embeddings frame may give only some metadata fields", () => {
      const payload = published("document-embeddings", `{"metadata":{"id":"doc1"},"chunks":[]}`)
      assert.strictEqual(payload, `{"metadata":{"id":"doc1","root":"","collection":"default"},"chunks":[]}`)
    })

    it("a rows frame with a single values object publishes an array, confidence 1.0 and an empty source_span", () => {
      const payload = published(
        "rows",
        `{"metadata":{"id":"r1","collection":"c"},"schema_name":"customer","values":{"name":"Ada","city":"London"}}`
      )
      assert.deepStrictEqual(JSON.parse(payload), {
        metadata: { id: "r1", root: "", collection: "c" },
        schema_name: "customer",
        values: [{ name: "Ada", city: "London" }],
        confidence: 1,
        source_span: ""
      })
    })

    it("a rows frame keeps an array of values, its confidence and its source_span", () => {
      const payload = published(
        "rows",
        `{"metadata":{"id":"r1","collection":"c"},"schema_name":"s","values":[{"a":"1"},{"a":"2"}],"confidence":0.5,"source_span":"Ada lives in London"}`
      )
      assert.deepStrictEqual(JSON.parse(payload), {
        metadata: { id: "r1", root: "", collection: "c" },
        schema_name: "s",
        values: [{ a: "1" }, { a: "2" }],
        confidence: 0.5,
        source_span: "Ada lives in London"
      })
    })

    it("a binary frame carrying the same JSON is imported like a text frame", () => {
      const text = `{"metadata":{"id":"d","collection":"c"},"triples":[{"s":{"t":"i","i":"a"},"p":{"t":"i","i":"b"},"o":{"t":"b","d":"c"}}]}`
      const fromText = Result.getOrThrow(translateFrame("triples", text))
      const fromBytes = Result.getOrThrow(translateFrame("triples", bytes(text)))
      assert.deepStrictEqual(fromBytes, fromText)
    })

    it("parseFrame gives the frame with its defaults filled in, and encodeRecord serialises its record", () => {
      const frame = Result.getOrThrow(parseFrame("document-embeddings", `{"chunks":[]}`))
      assert.deepStrictEqual(frame, { metadata: { id: null, root: "", collection: "default" }, chunks: [] })
      assert.strictEqual(
        utf8.decode(encodeRecord("document-embeddings", frame)),
        `{"metadata":{"id":null,"root":"","collection":"default"},"chunks":[]}`
      )
    })
  })

  describe("export: Pulsar payload → client frame", () => {
    it("a Triples record becomes the compact codec, with dt, ln and g left out when empty", () => {
      const record =
        `{"metadata":{"id":"doc1","root":"","collection":"default"},"triples":[{` +
        `"s":${iri("http://example.org/alice")},` +
        `"p":${iri("http://xmlns.com/foaf/0.1/name")},` +
        `"o":{"type":"l","iri":"","id":"","value":"Alice","datatype":"","language":"en","triple":null},` +
        `"g":null}]}`
      const text = textOf(Result.getOrThrow(translateRecord("triples", bytes(record))))
      assert.strictEqual(
        text,
        `{"metadata":{"id":"doc1","root":"","collection":"default"},"triples":[{` +
          `"s":{"t":"i","i":"http://example.org/alice"},` +
          `"p":{"t":"i","i":"http://xmlns.com/foaf/0.1/name"},` +
          `"o":{"t":"l","v":"Alice","ln":"en"}}]}`
      )
    })

    it("a record's graph, a literal's datatype and a quoted triple reach the client", () => {
      const quoted =
        `{"type":"t","iri":"","id":"","value":"","datatype":"","language":"","triple":` +
        `{"s":${iri("a")},"p":${iri("b")},"o":{"type":"l","iri":"","id":"","value":"1","datatype":"xsd:int","language":"","triple":null},"g":null}}`
      const record = `{"metadata":{"id":"d","root":"r","collection":"c"},"triples":[{"s":${quoted},"p":${iri("p")},"o":${iri("o")},"g":"G"}]}`
      const text = Result.getOrThrow(translateRecord("triples", record))
      assert.strictEqual(textOf(Result.getOrThrow(translateRecord("triples", bytes(record)))), text)
      assert.strictEqual(
        text,
        `{"metadata":{"id":"d","root":"r","collection":"c"},"triples":[{` +
          `"s":{"t":"t","tr":{"s":{"t":"i","i":"a"},"p":{"t":"i","i":"b"},"o":{"t":"l","v":"1","dt":"xsd:int"}}},` +
          `"p":{"t":"i","i":"p"},"o":{"t":"i","i":"o"},"g":"G"}]}`
      )
    })

    it("graph embeddings reach the client as entity and vector, without the chunk_id", () => {
      const text = Result.getOrThrow(
        translateRecord(
          "graph-embeddings",
          `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":${iri("http://ex/e")},"vector":[1,2],"chunk_id":"c7"}]}`
        )
      )
      assert.strictEqual(
        text,
        `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":{"t":"i","i":"http://ex/e"},"vector":[1,2]}]}`
      )
    })

    it("entity contexts reach the client as entity and context, without the chunk_id", () => {
      const text = Result.getOrThrow(
        translateRecord(
          "entity-contexts",
          `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":{"type":"b","iri":"","id":"n1","value":"","datatype":"","language":"","triple":null},"context":"ctx","chunk_id":"c7"}]}`
        )
      )
      assert.strictEqual(
        text,
        `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":{"t":"b","d":"n1"},"context":"ctx"}]}`
      )
    })

    it("document embeddings reach the client as chunk_id and vector", () => {
      const text = Result.getOrThrow(
        translateRecord(
          "document-embeddings",
          `{"metadata":{"id":"d","root":"","collection":"c"},"chunks":[{"chunk_id":"d/c0","vector":[0.5]}]}`
        )
      )
      assert.strictEqual(
        text,
        `{"metadata":{"id":"d","root":"","collection":"c"},"chunks":[{"chunk_id":"d/c0","vector":[0.5]}]}`
      )
    })

    it("records from producers that predate root and chunk_id are still exported", () => {
      const record = Result.getOrThrow(
        parseRecord(
          "graph-embeddings",
          `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":${iri("e")},"vector":[1]}]}`
        )
      )
      assert.deepStrictEqual(record.metadata, { id: "d", root: "", collection: "c" })
      assert.strictEqual(record.entities[0]?.chunk_id, "")
      assert.deepStrictEqual(recordToFrame("graph-embeddings", record).entities, [
        { entity: { t: "i", i: "e" }, vector: [1] }
      ])
    })

    it("encodeFrame writes the frame as JSON text", () => {
      assert.strictEqual(
        encodeFrame("document-embeddings", { metadata: { id: "a", root: "", collection: "c" }, chunks: [] }),
        `{"metadata":{"id":"a","root":"","collection":"c"},"chunks":[]}`
      )
    })
  })

  describe("TrustGraph 2.11 wire fidelity: what its gateway publishes, and back", () => {
    // Frames as TrustGraph's Python clients send them (`json.dumps`: ", " and ": "), and the
    // records its gateway publishes for them (`json.dumps(dataclass_to_dict(…))`: every dataclass
    // field, defaults included), as TrustGraph 2.11.1's gateway dispatchers and schema build them.
    const term = (i: string) => ({ type: "i", iri: i, id: "", value: "", datatype: "", language: "", triple: null })
    const person = "http://schema.org/Person"

    /** The record `translateFrame` publishes for a frame, as a JSON value. */
    const publishedValue = (kind: KindName, frame: string): unknown => {
      // As the socket hands it over: bytes.
      const result = translateFrame(kind, Buffer.from(frame), 1)
      if (Result.isFailure(result)) throw new Error(result.failure.message)
      return JSON.parse(utf8.decode(result.success))
    }

    /** The frame `translateRecord` sends for a record, as a JSON value. */
    const exportedValue = (kind: ExportableKindName, record: string): unknown => {
      // As the broker hands it over: bytes.
      const result = translateRecord(kind, Buffer.from(record))
      if (Result.isFailure(result)) throw new Error(result.failure.message)
      return JSON.parse(textOf(result.success))
    }

    const cases: ReadonlyArray<{
      readonly name: string
      readonly kind: ExportableKindName | "rows"
      readonly frame: unknown
      readonly record: unknown
      /** The frame an export of the record sends, when it is not `frame` itself. */
      readonly exported?: unknown
    }> = [
      {
        name: "entity contexts from tg-load-knowledge keep rdf_type; root is published empty",
        kind: "entity-contexts",
        frame: {
          metadata: { id: "doc", metadata: [], root: "ignored", collection: "default" },
          entities: [
            { entity: { t: "i", i: "http://ex/alice" }, context: "Alice", rdf_type: [person] },
            { entity: { t: "i", i: "http://ex/bob" }, context: "Bob" }
          ]
        },
        record: {
          metadata: { id: "doc", root: "", collection: "default" },
          entities: [
            { entity: term("http://ex/alice"), context: "Alice", chunk_id: "", rdf_type: [person], attributes: {} },
            { entity: term("http://ex/bob"), context: "Bob", chunk_id: "", rdf_type: [], attributes: {} }
          ]
        },
        exported: {
          metadata: { id: "doc", root: "", collection: "default" },
          entities: [
            { entity: { t: "i", i: "http://ex/alice" }, context: "Alice", rdf_type: [person] },
            { entity: { t: "i", i: "http://ex/bob" }, context: "Bob" }
          ]
        }
      },
      {
        name: "graph embeddings get rdf_type [] and attributes {}; root is published empty",
        kind: "graph-embeddings",
        frame: {
          metadata: { id: "doc", root: "r", collection: "c" },
          entities: [{ entity: { t: "i", i: "http://ex/alice" }, vector: [0.5, -0.25] }]
        },
        record: {
          metadata: { id: "doc", root: "", collection: "c" },
          entities: [
            { entity: term("http://ex/alice"), vector: [0.5, -0.25], chunk_id: "", rdf_type: [], attributes: {} }
          ]
        },
        exported: {
          metadata: { id: "doc", root: "", collection: "c" },
          entities: [{ entity: { t: "i", i: "http://ex/alice" }, vector: [0.5, -0.25] }]
        }
      },
      {
        name: "graph embeddings keep a client's rdf_type and attributes, which TrustGraph's store files with the vector",
        kind: "graph-embeddings",
        frame: {
          metadata: { id: "doc", root: "", collection: "c" },
          entities: [
            {
              entity: { t: "i", i: "http://ex/alice" },
              vector: [1],
              rdf_type: [person],
              attributes: { source: "dbpedia", tags: ["a", "b"] }
            }
          ]
        },
        record: {
          metadata: { id: "doc", root: "", collection: "c" },
          entities: [
            {
              entity: term("http://ex/alice"),
              vector: [1],
              chunk_id: "",
              rdf_type: [person],
              attributes: { source: "dbpedia", tags: ["a", "b"] }
            }
          ]
        }
      },
      {
        name: "document embeddings keep chunk attributes and their root; an absent id is published as null",
        kind: "document-embeddings",
        frame: {
          metadata: { root: "urn:doc", collection: "c" },
          chunks: [
            { chunk_id: "urn:doc/c0", vector: [0.125], attributes: { language: "en" } },
            { chunk_id: "urn:doc/c1", vector: [] }
          ]
        },
        record: {
          metadata: { id: null, root: "urn:doc", collection: "c" },
          chunks: [
            { chunk_id: "urn:doc/c0", vector: [0.125], attributes: { language: "en" } },
            { chunk_id: "urn:doc/c1", vector: [], attributes: {} }
          ]
        },
        exported: {
          metadata: { id: null, root: "urn:doc", collection: "c" },
          chunks: [
            { chunk_id: "urn:doc/c0", vector: [0.125], attributes: { language: "en" } },
            { chunk_id: "urn:doc/c1", vector: [] }
          ]
        }
      },
      {
        name: "rows publish root empty",
        kind: "rows",
        frame: { metadata: { id: "r", root: "x", collection: "c" }, schema_name: "s", values: { a: "1" } },
        record: {
          metadata: { id: "r", root: "", collection: "c" },
          schema_name: "s",
          values: [{ a: "1" }],
          confidence: 1,
          source_span: ""
        }
      },
      {
        name: "triples keep their root, as TrustGraph's triples import does",
        kind: "triples",
        frame: {
          metadata: { id: "doc", root: "urn:root", collection: "c" },
          triples: [{ s: { t: "i", i: "a" }, p: { t: "i", i: "b" }, o: { t: "l", v: "c" } }]
        },
        record: {
          metadata: { id: "doc", root: "urn:root", collection: "c" },
          triples: [
            {
              s: term("a"),
              p: term("b"),
              o: { type: "l", iri: "", id: "", value: "c", datatype: "", language: "", triple: null },
              g: null
            }
          ]
        }
      }
    ]

    for (const { name, kind, frame, record, exported } of cases) {
      it(`import: ${name}`, () => {
        assert.deepStrictEqual(publishedValue(kind, pythonJson(frame)), record)
        assert.deepStrictEqual(publishedValue(kind, JSON.stringify(frame)), record)
      })

      if (kind === "rows") continue

      it(`export and back: ${name}`, () => {
        // The record as TrustGraph writes it reaches the client…
        const sent = exportedValue(kind, pythonJson(record))
        assert.deepStrictEqual(sent, exported ?? frame)
        // …and that frame, imported again, publishes the same record.
        assert.deepStrictEqual(publishedValue(kind, JSON.stringify(sent)), record)
      })
    }

    it("entity contexts carry rdf_type in tg-gateway's own record text byte for byte", () => {
      const payload = translateFrame(
        "entity-contexts",
        `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"e"},"context":"x","rdf_type":["T"]}]}`
      )
      assert.isTrue(Result.isSuccess(payload))
      if (Result.isSuccess(payload))
        assert.strictEqual(
          utf8.decode(payload.success),
          `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":${iri("e")},"context":"x","chunk_id":"","rdf_type":["T"],"attributes":{}}]}`
        )
    })

    it("records from producers that predate rdf_type and attributes are still exported", () => {
      assert.deepStrictEqual(
        exportedValue(
          "entity-contexts",
          `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":${iri("e")},"context":"x","chunk_id":"k"}]}`
        ),
        { metadata: { id: "d", root: "", collection: "c" }, entities: [{ entity: { t: "i", i: "e" }, context: "x" }] }
      )
    })

    it("an rdf_type or attributes of the wrong shape is named by its path", () => {
      const entity = (extra: string) =>
        `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"e"},"context":"x",${extra}}]}`
      assert.strictEqual(
        rejection("entity-contexts", entity(`"rdf_type":"${person}"`)).message,
        `entities[0].rdf_type: expected array, got "${person}"`
      )
      assert.strictEqual(rejection("entity-contexts", entity(`"attributes":{"n":1}`)).path, "entities[0].attributes.n")
    })
  })

  describe("bad frames are rejected with a message and a path, never a crash", () => {
    it("malformed JSON says so, at the frame as a whole", () => {
      const rejected = rejection("triples", `{"metadata":{"id":"d",`)
      assert.match(rejected.message, /^Malformed JSON: /)
      assert.strictEqual(rejected.path, "")
    })

    it("an empty frame is malformed JSON", () => {
      assert.match(rejection("triples", "").message, /^Malformed JSON/)
    })

    it("a binary frame that is not UTF-8 says so", () => {
      const rejected = rejection("triples", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))
      assert.strictEqual(rejected.message, "Malformed frame: the bytes are not valid UTF-8 text")
      assert.strictEqual(rejected.path, "")
    })

    it("JSON that is not an object names the kind of frame that was expected", () => {
      assert.strictEqual(rejection("triples", "[]").message, "expected a triples frame (a JSON object), got []")
      assert.strictEqual(rejection("rows", "42").message, "expected a rows frame (a JSON object), got 42")
      assert.strictEqual(rejection("triples", "null").path, "")
    })

    it("another kind's payload names the missing field and the kind it looks like", () => {
      const rejected = rejection(
        "triples",
        `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"e"},"vector":[1]}]}`
      )
      assert.strictEqual(rejected.path, "triples")
      assert.strictEqual(
        rejected.message,
        "triples: required field is missing (this looks like a graph-embeddings frame, but this connection imports triples)"
      )
    })

    it("an entity-contexts frame sent to graph-embeddings is recognised as such", () => {
      const rejected = rejection(
        "graph-embeddings",
        `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"e"},"context":"x"}]}`
      )
      assert.strictEqual(rejected.path, "entities[0].vector")
      assert.include(rejected.message, "this looks like an entity-contexts frame")
    })

    it("a missing metadata field is named by its path", () => {
      const rejected = rejection("triples", `{"metadata":{"id":"d"},"triples":[]}`)
      assert.strictEqual(rejected.path, "metadata.collection")
      assert.strictEqual(rejected.message, "metadata.collection: required field is missing")
    })

    it("a missing metadata block is named", () => {
      const rejected = rejection("entity-contexts", `{"entities":[]}`)
      assert.strictEqual(rejected.path, "metadata")
      assert.strictEqual(rejected.message, "metadata: required field is missing")
    })

    it("a value of the wrong type says what was expected and what came", () => {
      const rejected = rejection(
        "triples",
        `{"metadata":{"id":"d","collection":"c"},"triples":[{"s":{"t":"i","i":"a"},"p":{"t":"i","i":"b"},"o":{"t":"l","v":3}}]}`
      )
      assert.strictEqual(rejected.path, "triples[0].o.v")
      assert.strictEqual(rejected.message, "triples[0].o.v: expected string, got 3")
    })

    it("an unknown term type is reported at the term's t, with the types that exist", () => {
      const good = `{"s":{"t":"i","i":"a"},"p":{"t":"i","i":"b"},"o":{"t":"i","i":"c"}}`
      const rejected = rejection(
        "triples",
        `{"metadata":{"id":"d","collection":"c"},"triples":[${good},${good},${good},{"s":{"t":"i","i":"a"},"p":{"t":"i","i":"b"},"o":{"t":"u","i":"c"}}]}`
      )
      assert.strictEqual(rejected.path, "triples[3].o.t")
      assert.strictEqual(rejected.message, `triples[3].o.t: expected "i", "b", "l" or "t", got "u"`)
    })

    it("a term in the 1.x {v, e} form is told that t is missing", () => {
      const rejected = rejection(
        "triples",
        `{"metadata":{"id":"d","collection":"c"},"triples":[{"s":{"v":"http://ex/a","e":true},"p":{"t":"i","i":"b"},"o":{"t":"i","i":"c"}}]}`
      )
      assert.strictEqual(rejected.path, "triples[0].s.t")
      assert.strictEqual(rejected.message, `triples[0].s.t: required field is missing (expected "i", "b", "l" or "t")`)
    })

    it("a term given as a bare string says a term object was expected", () => {
      const rejected = rejection(
        "triples",
        `{"metadata":{"id":"d","collection":"c"},"triples":[{"s":"http://ex/a","p":{"t":"i","i":"b"},"o":{"t":"i","i":"c"}}]}`
      )
      assert.strictEqual(rejected.path, "triples[0].s")
      assert.strictEqual(
        rejected.message,
        `triples[0].s: expected an object whose "t" is "i", "b", "l" or "t", got "http://ex/a"`
      )
    })

    it("a field missing inside a term is named down to the field", () => {
      const rejected = rejection(
        "triples",
        `{"metadata":{"id":"d","collection":"c"},"triples":[{"s":{"t":"t","tr":{"s":{"t":"i","i":"a"},"p":{"t":"b"},"o":{"t":"i","i":"c"}}},"p":{"t":"i","i":"b"},"o":{"t":"i","i":"c"}}]}`
      )
      assert.strictEqual(rejected.path, "triples[0].s.tr.p.d")
      assert.strictEqual(rejected.message, "triples[0].s.tr.p.d: required field is missing")
    })

    it("a vector element that is not a number is named by its index", () => {
      const rejected = rejection(
        "graph-embeddings",
        `{"metadata":{"id":"d","collection":"c"},"entities":[{"entity":{"t":"i","i":"e"},"vector":[0.1,"0.2"]}]}`
      )
      assert.strictEqual(rejected.path, "entities[0].vector[1]")
      assert.strictEqual(rejected.message, `entities[0].vector[1]: expected number, got "0.2"`)
    })

    it("rows values that are neither an object nor an array say what is accepted", () => {
      const rejected = rejection("rows", `{"metadata":{"id":"d","collection":"c"},"schema_name":"s","values":"Ada"}`)
      assert.strictEqual(rejected.path, "values")
      assert.strictEqual(rejected.message, "values: expected an object of string values, or an array of such objects")
    })

    it("a rows value that is not a string is named by its key", () => {
      const rejected = rejection(
        "rows",
        `{"metadata":{"id":"d","collection":"c"},"schema_name":"s","values":[{"age":42}]}`
      )
      assert.strictEqual(rejected.path, "values[0].age")
      assert.strictEqual(rejected.message, "values[0].age: expected string, got 42")
    })

    it("keys that are not identifiers are quoted in the path", () => {
      const rejected = rejection(
        "rows",
        `{"metadata":{"id":"d","collection":"c"},"schema_name":"s","values":{"first name":1}}`
      )
      assert.strictEqual(rejected.path, `values["first name"]`)
    })

    it("a huge wrong value is cut short in the message", () => {
      const rejected = rejection(
        "triples",
        JSON.stringify({ metadata: { id: "d", collection: "c" }, triples: "x".repeat(10_000) })
      )
      assert.strictEqual(rejected.path, "triples")
      assert.isBelow(rejected.message.length, 400)
      assert.match(rejected.message, /^triples: expected array, got "xxx/)
    })

    it("the frame number is carried when given and absent when not", () => {
      assert.strictEqual(rejection("triples", "{", 12).frame, 12)
      assert.isFalse("frame" in rejection("triples", "{"))
    })

    it("parseFrame fails with a FrameRejected carrying the frame number", () => {
      const error = rejection("triples", "not json", 3)
      assert.instanceOf(error, FrameRejected)
      assert.strictEqual(error._tag, "FrameRejected")
      assert.strictEqual(error.frame, 3)
    })

    it("translateFrame fails the same way, so a dispatcher can answer and carry on", () => {
      const error = Result.getOrThrow(
        Result.flip(translateFrame("rows", `{"metadata":{"id":"d","collection":"c"},"values":{}}`, 1))
      )
      assert.strictEqual(error.path, "schema_name")
      assert.deepStrictEqual(toErrorFrame(error), {
        error: { message: "schema_name: required field is missing", path: "schema_name", frame: 1 }
      })
    })

    it("the error frame leaves out the frame number when there is none", () => {
      assert.deepStrictEqual(toErrorFrame(rejection("triples", "[1]")), {
        error: { message: "expected a triples frame (a JSON object), got [1]", path: "" }
      })
    })
  })

  describe("bad records from the broker are rejected, never a crash", () => {
    it("a payload that is not JSON is a RecordRejected naming the kind", () => {
      const rejected = recordRejection("triples", "{oops")
      assert.strictEqual(rejected.kind, "triples")
      assert.match(rejected.message, /^Malformed JSON/)
    })

    it("a quoted-triple term without its triple cannot be shown to clients", () => {
      const rejected = recordRejection(
        "triples",
        `{"metadata":{"id":"d","root":"","collection":"c"},"triples":[{"s":{"type":"t","iri":"","id":"","value":"","datatype":"","language":"","triple":null},"p":${iri(
          "p"
        )},"o":${iri("o")},"g":null}]}`
      )
      assert.strictEqual(rejected.path, "triples[0].s.triple")
      assert.strictEqual(rejected.message, "triples[0].s.triple: expected object, got null")
    })

    it("an unknown term type in a record is reported at its type", () => {
      const rejected = recordRejection(
        "graph-embeddings",
        `{"metadata":{"id":"d","root":"","collection":"c"},"entities":[{"entity":{"type":"x","iri":"","id":"","value":"","datatype":"","language":"","triple":null},"vector":[]}]}`
      )
      assert.strictEqual(rejected.path, "entities[0].entity.type")
      assert.strictEqual(rejected.message, `entities[0].entity.type: expected "i", "b", "l" or "t", got "x"`)
    })

    it("parseRecord and translateRecord fail with a RecordRejected", () => {
      const error = Result.getOrThrow(
        Result.flip(translateRecord("document-embeddings", `{"metadata":{"id":"d","root":"","collection":"c"}}`))
      )
      assert.instanceOf(error, RecordRejected)
      assert.strictEqual(error.path, "chunks")
      const again = Result.getOrThrow(Result.flip(parseRecord("document-embeddings", bytes("[]"))))
      assert.strictEqual(again._tag, "RecordRejected")
    })
  })
})
