import Foundation
import LifelineCore

/// The single pass that turns a body into a `StripeJSON` tree: strict RFC 8259 syntax, UTF-8
/// checked, and the structure rules of `JSONStructureGuard` (no repeated key, at most
/// `maximumDepth` levels) enforced on the way, so a body is read once.
extension StripeJSON {
    static func parseFast(_ body: [UInt8]) throws(WebhookRejection) -> StripeJSON {
        // Checked once for the whole body: bytes past 0x7F may only occur inside strings, which
        // are then built without a check of their own.
        guard JSONTreeParser.isValidUTF8(body) else { throw .malformed("body is not valid JSON: invalid UTF-8") }
        do throws(JSONSyntaxError) {
            return try body.withUnsafeBufferPointer { (bytes) throws(JSONSyntaxError) -> StripeJSON in
                var parser = JSONTreeParser(bytes: bytes)
                return try parser.document()
            }
        } catch {
            throw .malformed(error.message)
        }
    }
}

/// Why a body is not acceptable JSON, with the byte offset where that was found.
struct JSONSyntaxError: Error {
    var message: String

    init(_ problem: String, at offset: Int) {
        message = "body is not valid JSON: \(problem) at byte \(offset)"
    }

    init(structure message: String) {
        self.message = message
    }
}

/// A recursive-descent parser over the raw bytes; recursion depth is bounded by `maximumDepth`.
struct JSONTreeParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() throws(JSONSyntaxError) -> StripeJSON {
        skipWhitespace()
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw JSONSyntaxError("unexpected data after the value", at: index) }
        return value
    }

    mutating func value() throws(JSONSyntaxError) -> StripeJSON {
        guard index < bytes.count else { throw JSONSyntaxError("unexpected end", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw JSONSyntaxError("unexpected character", at: index)
        }
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= JSONStructureGuard.maximumDepth else {
            throw JSONSyntaxError(structure: "JSON nested deeper than \(JSONStructureGuard.maximumDepth) levels")
        }
        index += 1
        skipWhitespace()
    }

    mutating func object() throws(JSONSyntaxError) -> StripeJSON {
        try enter()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object([:])
        }
        // Members are gathered first and the dictionary is sized once: growing it key by key
        // rehashed a Stripe object (30 to 70 keys) six times.
        var members: [(key: String, value: StripeJSON)] = []
        members.reserveCapacity(16)
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw JSONSyntaxError("expected a quoted key", at: index)
            }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members.append((key, try self.value()))
            skipWhitespace()
            guard index < bytes.count else { throw JSONSyntaxError("unterminated object", at: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "}"))
            depth -= 1
            var fields = [String: StripeJSON](minimumCapacity: members.count)
            for (key, value) in members {
                // Parsers disagree on which of two equal keys wins, so neither does.
                guard fields.updateValue(value, forKey: key) == nil else {
                    throw JSONSyntaxError(structure: "duplicate key \"\(key.prefix(64))\" in a JSON object")
                }
            }
            return .object(fields)
        }
    }

    mutating func array() throws(JSONSyntaxError) -> StripeJSON {
        try enter()
        var items: [StripeJSON] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw JSONSyntaxError("unterminated array", at: index) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "]"))
            depth -= 1
            return .array(items)
        }
    }

    // MARK: strings

    /// A quoted string starting at `index`; the common case (no escape) is one copy.
    mutating func string() throws(JSONSyntaxError) -> String {
        let start = index + 1
        var cursor = start
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                index = cursor + 1
                return Self.text(UnsafeBufferPointer(rebasing: bytes[start..<cursor]))
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start, firstEscape: cursor) }
            if byte < 0x20 { throw JSONSyntaxError("control character in a string", at: cursor) }
            cursor += 1
        }
        throw JSONSyntaxError("unterminated string", at: index)
    }

    /// The string's bytes, already known to be valid UTF-8 (`isValidUTF8` ran on the body; an
    /// escape only ever adds a whole scalar).
    static func text(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: raw, as: UTF8.self)
    }

    /// ASCII, the usual case, in one tight loop; anything else through the standard library.
    static func isValidUTF8(_ body: [UInt8]) -> Bool {
        let isASCII = body.withUnsafeBufferPointer { bytes in
            var combined: UInt8 = 0
            for byte in bytes { combined |= byte }
            return combined < 0x80
        }
        return isASCII || String(validating: body, as: UTF8.self) != nil
    }

    /// The slow path: decodes escapes into a byte buffer, then makes the string from it.
    mutating func escapedString(from start: Int, firstEscape: Int) throws(JSONSyntaxError) -> String {
        var decoded = Array(bytes[start..<firstEscape])
        var cursor = firstEscape
        while cursor < bytes.count {
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "\""):
                index = cursor + 1
                return decoded.withUnsafeBufferPointer(Self.text)
            case UInt8(ascii: "\\"):
                cursor += 1
                guard cursor < bytes.count else { throw JSONSyntaxError("unterminated escape", at: cursor) }
                switch bytes[cursor] {
                case UInt8(ascii: "\""): decoded.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): decoded.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): decoded.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    let scalar = try unicodeEscape(at: &cursor)
                    decoded.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw JSONSyntaxError("invalid escape", at: cursor)
                }
                cursor += 1
            default:
                if byte < 0x20 { throw JSONSyntaxError("control character in a string", at: cursor) }
                decoded.append(byte)
                cursor += 1
            }
        }
        throw JSONSyntaxError("unterminated string", at: start - 1)
    }

    /// `\uXXXX` (cursor on the `u`), joining a surrogate pair; leaves cursor on the last hex digit.
    func unicodeEscape(at cursor: inout Int) throws(JSONSyntaxError) -> Unicode.Scalar {
        let high = try hex4(after: cursor)
        cursor += 4
        if (0xD800...0xDBFF).contains(high) {
            guard cursor + 2 < bytes.count, bytes[cursor + 1] == UInt8(ascii: "\\"), bytes[cursor + 2] == UInt8(ascii: "u") else {
                throw JSONSyntaxError("unpaired surrogate in a \\u escape", at: cursor)
            }
            let low = try hex4(after: cursor + 2)
            guard (0xDC00...0xDFFF).contains(low) else { throw JSONSyntaxError("unpaired surrogate in a \\u escape", at: cursor) }
            cursor += 6
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw JSONSyntaxError("unpaired surrogate in a \\u escape", at: cursor) }
        return scalar
    }

    /// The four hex digits after position `u`.
    func hex4(after u: Int) throws(JSONSyntaxError) -> UInt32 {
        guard u + 4 < bytes.count else { throw JSONSyntaxError("short \\u escape", at: u) }
        var value: UInt32 = 0
        for offset in 1...4 {
            let byte = bytes[u + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONSyntaxError("invalid \\u escape", at: u + offset)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: numbers

    /// Integers that fit `Int64` are read exactly; anything else goes through `Decimal`, so an
    /// integral value spelled `4.9e3` is still `.integer(4900)` and money never passes a `Double`.
    mutating func number() throws(JSONSyntaxError) -> StripeJSON {
        let start = index
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let integerStart = index
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONSyntaxError("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) { throw JSONSyntaxError("leading zero in a number", at: start) }
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        let integerEnd = index
        var isPlainInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isPlainInteger = false
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONSyntaxError("invalid fraction", at: start) }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isPlainInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONSyntaxError("invalid exponent", at: start) }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if isPlainInteger, let exact = Self.int64(bytes[integerStart..<integerEnd], negative: negative) {
            return .integer(exact)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Self.inexactNumber(text) else { throw JSONSyntaxError("number out of range", at: start) }
        return number
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The digits as an `Int64`, or nil on overflow.
    static func int64(_ digits: Slice<UnsafeBufferPointer<UInt8>>, negative: Bool) -> Int64? {
        var magnitude: UInt64 = 0
        for byte in digits {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude <= UInt64(Int64.max) { return -Int64(magnitude) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// A number with a fraction, an exponent or out of `Int64` range; nil past `Double`'s range.
    static func inexactNumber(_ text: String) -> StripeJSON? {
        let exact = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        if let decimal = exact, decimal.isFinite {
            var rounded = Decimal()
            var source = decimal
            NSDecimalRound(&rounded, &source, 0, .plain)
            if rounded == decimal, decimal >= Decimal(Int64.min), decimal <= Decimal(Int64.max) {
                return .integer(NSDecimalNumber(decimal: decimal).int64Value)
            }
        }
        guard let double = Double(text), double.isFinite else { return nil }
        // Past `Decimal`'s exponent range, e.g. `1e-400`, which is 0.
        if double.rounded() == double, double >= -9_223_372_036_854_775_808.0, double < 9_223_372_036_854_775_808.0,
           exact?.isFinite != true {
            return .integer(Int64(double))
        }
        return .fraction(double)
    }

    // MARK: tokens

    mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw JSONSyntaxError("unexpected end", at: index) }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw JSONSyntaxError("unexpected character", at: index + offset)
        }
        index += count
    }

    mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        guard index < bytes.count, bytes[index] == byte else {
            throw JSONSyntaxError("expected '\(Character(Unicode.Scalar(byte)))'", at: index)
        }
        index += 1
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }
}
