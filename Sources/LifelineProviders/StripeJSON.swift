import Foundation
import LifelineCore

/// A whole JSON value as plain values; integers stay exact `Int64` so money never passes
/// through `Double`. Ingest reads bodies through `JSONTape`; this tree checks that parse.
enum StripeJSON: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    /// Any JSON number with an integral value that fits `Int64` (`4900`, also `4.9e3`).
    case integer(Int64)
    /// A number with a fractional part or out of `Int64` range; only ever read for `percent_off`.
    case fraction(Double)
    case string(String)
    case array([StripeJSON])
    case object([String: StripeJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .fraction(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([StripeJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: StripeJSON].self))
        }
    }

    /// The single-pass parse (`JSONTape`) read out into a whole tree; the normalizer reads the
    /// tape directly, this is what tests compare with `parseReference`.
    static func parseFast(_ body: [UInt8]) throws(WebhookRejection) -> StripeJSON {
        try JSONTape.parse(body).tree()
    }

    /// The reference parse through `Decodable`, kept to check `parseFast` against it in tests.
    static func parseReference(_ body: [UInt8]) throws(WebhookRejection) -> StripeJSON {
        do {
            return try JSONDecoder().decode(StripeJSON.self, from: Data(body))
        } catch {
            throw .malformed("body is not valid JSON")
        }
    }
}
