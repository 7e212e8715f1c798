/// Compact JSON text for strings, numbers, string lists and string maps, without Foundation:
/// action payloads and the store's JSON columns are written for every webhook, where
/// `JSONEncoder` costs more than the SQL.
public enum JSONText {
    /// How string literals are escaped.
    public enum Escaping: Sendable {
        /// RFC 8259's minimum: quotes, backslash, control characters.
        case minimal
        /// Exactly as Foundation's `JSONEncoder` escapes ("/" as "\/", "\b" and "\f" by name), so
        /// hand-written text equals the encoder's byte for byte.
        case foundation
    }

    /// A JSON string literal.
    public static func appendString(_ value: String, to output: inout String, escaping: Escaping = .minimal) {
        output.append("\"")
        let escapesSlash = escaping == .foundation
        // Most values (ids, codes, currencies) need no escaping: append them whole.
        let plain = value.utf8.allSatisfy {
            $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && !(escapesSlash && $0 == UInt8(ascii: "/"))
        }
        if plain {
            output.append(value)
        } else {
            for scalar in value.unicodeScalars {
                switch (scalar, escaping) {
                case ("/", .foundation): output.append("\\/")
                case ("\u{08}", .foundation): output.append("\\b")
                case ("\u{0C}", .foundation): output.append("\\f")
                case ("\"", _): output.append("\\\"")
                case ("\\", _): output.append("\\\\")
                case ("\n", _): output.append("\\n")
                case ("\r", _): output.append("\\r")
                case ("\t", _): output.append("\\t")
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output.append("\"")
    }

    /// JSON has no NaN or infinity; `JSONEncoder` throws on them too.
    public struct NonFiniteNumber: Error, CustomStringConvertible {
        public let value: Double
        public var description: String { "\(value) cannot be written as JSON" }
    }

    /// A number as `JSONEncoder` writes it: Swift's shortest form, without a trailing ".0".
    public static func number(_ value: Double) throws(NonFiniteNumber) -> String {
        guard value.isFinite else { throw NonFiniteNumber(value: value) }
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// `["a","b"]`
    public static func array(_ values: [String]) -> String {
        guard !values.isEmpty else { return "[]" }
        var output = "["
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(",") }
            appendString(value, to: &output)
        }
        output.append("]")
        return output
    }

    /// `{"a":"b"}` with keys in ascending order, so equal maps give equal text.
    public static func object(_ members: [String: String], escaping: Escaping = .minimal) -> String {
        guard !members.isEmpty else { return "{}" }
        var output = "{"
        for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { output.append(",") }
            appendString(member.key, to: &output, escaping: escaping)
            output.append(":")
            appendString(member.value, to: &output, escaping: escaping)
        }
        output.append("}")
        return output
    }
}
