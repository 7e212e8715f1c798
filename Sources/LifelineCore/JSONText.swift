/// Compact JSON text for strings, numbers, string lists and string maps, without Foundation:
/// action payloads and the store's JSON columns are written for every webhook, where
/// `JSONEncoder` costs more than the SQL.
public enum JSONText {
    /// A JSON string literal with RFC 8259 escaping (quotes, backslash, control characters).
    public static func appendString(_ value: String, to output: inout String) {
        output.append("\"")
        // Most values (ids, codes, currencies) need no escaping: append them whole.
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            output.append(value)
        } else {
            appendEscaped(value, to: &output)
        }
        output.append("\"")
    }

    /// A string literal escaped exactly as Foundation's `JSONEncoder` escapes it ("/" as "\/",
    /// "\b" and "\f" by name), so hand-written text equals the encoder's byte for byte.
    public static func appendFoundationString(_ value: String, to output: inout String) {
        output.append("\"")
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "/") }) {
            output.append(value)
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "/": output.append("\\/")
                case "\u{08}": output.append("\\b")
                case "\u{0C}": output.append("\\f")
                default: appendEscaped(scalar, to: &output)
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
    public static func object(_ members: [String: String]) -> String {
        guard !members.isEmpty else { return "{}" }
        var output = "{"
        for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { output.append(",") }
            appendString(member.key, to: &output)
            output.append(":")
            appendString(member.value, to: &output)
        }
        output.append("}")
        return output
    }

    private static func appendEscaped(_ value: String, to output: inout String) {
        for scalar in value.unicodeScalars { appendEscaped(scalar, to: &output) }
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to output: inout String) {
        switch scalar {
        case "\"": output.append("\\\"")
        case "\\": output.append("\\\\")
        case "\n": output.append("\\n")
        case "\r": output.append("\\r")
        case "\t": output.append("\\t")
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        default: output.unicodeScalars.append(scalar)
        }
    }
}

extension JSONText {
    /// Reads `["a","b"]` as written by `array(_:)`; nil when a string holds an escape or the text
    /// is anything else, so the caller falls back to a full JSON decoder.
    public static func stringList(_ text: String) -> [String]? {
        var reader = FlatReader(text.utf8)
        guard reader.consume(UInt8(ascii: "[")) else { return nil }
        var values: [String] = []
        if reader.consume(UInt8(ascii: "]")) { return reader.atEnd ? values : nil }
        repeat {
            guard let value = reader.plainString() else { return nil }
            values.append(value)
        } while reader.consume(UInt8(ascii: ","))
        return reader.consume(UInt8(ascii: "]")) && reader.atEnd ? values : nil
    }

    /// Reads `{"k":"v"}` as written by `object(_:)`; nil on escapes, repeated keys or any other
    /// shape, so the caller falls back to a full JSON decoder.
    public static func stringMap(_ text: String) -> [String: String]? {
        var reader = FlatReader(text.utf8)
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        var members: [String: String] = [:]
        if reader.consume(UInt8(ascii: "}")) { return reader.atEnd ? members : nil }
        repeat {
            guard let key = reader.plainString(), reader.consume(UInt8(ascii: ":")),
                  let value = reader.plainString(), members.updateValue(value, forKey: key) == nil
            else { return nil }
        } while reader.consume(UInt8(ascii: ","))
        return reader.consume(UInt8(ascii: "}")) && reader.atEnd ? members : nil
    }
}

/// A cursor over JSON text that only understands punctuation, whitespace and plain strings.
private struct FlatReader {
    let bytes: String.UTF8View
    var index: String.UTF8View.Index

    init(_ bytes: String.UTF8View) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var atEnd: Bool {
        mutating get {
            skipWhitespace()
            return index == bytes.endIndex
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.endIndex {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: bytes.formIndex(after: &index)
            default: return
            }
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        bytes.formIndex(after: &index)
        return true
    }

    /// A string without escapes or control characters; nil otherwise.
    mutating func plainString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let value = String(decoding: bytes[start..<index], as: UTF8.self)
                bytes.formIndex(after: &index)
                return value
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            bytes.formIndex(after: &index)
        }
        return nil
    }
}
