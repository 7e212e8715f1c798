import Foundation
import LifelineCore

extension JSONTape {
    /// The single pass over a body: strict RFC 8259 syntax, UTF-8 checked, and the structure
    /// rules of `JSONStructureGuard` (no repeated key, at most `maximumDepth` levels) enforced on
    /// the way, so a body is read once; anything refused becomes `.malformed`.
    static func parse(_ body: [UInt8]) throws(WebhookRejection) -> JSONTape {
        // Checked once for the whole body: bytes past 0x7F may only occur inside strings, which
        // are then read without a check of their own.
        guard JSONTapeParser.isValidUTF8(body) else { throw .malformed("body is not valid JSON: invalid UTF-8") }
        // Offsets are kept in 32 bits; bodies are limited far below that before they get here.
        guard body.count < Int(Int32.max) else { throw .malformed("body is too large to parse") }
        do throws(JSONSyntaxError) {
            let entries = try body.withUnsafeBufferPointer { (bytes) throws(JSONSyntaxError) -> [JSONTapeEntry] in
                var parser = JSONTapeParser(bytes: bytes)
                // A Stripe event has a value about every 20 bytes.
                parser.entries.reserveCapacity(bytes.count / 16 + 4)
                try parser.document()
                return parser.entries
            }
            return JSONTape(bytes: body, entries: entries)
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

/// A recursive-descent parser over the raw bytes that appends one entry per value; recursion
/// depth is bounded by `maximumDepth`.
struct JSONTapeParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    var entries: [JSONTapeEntry] = []
    /// Keys of the objects being read (innermost last), to refuse a repeated one.
    var openKeys: [(hash: UInt64, entry: Int)] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() throws(JSONSyntaxError) {
        skipWhitespace()
        try value()
        skipWhitespace()
        guard index == bytes.count else { throw JSONSyntaxError("unexpected data after the value", at: index) }
    }

    mutating func value() throws(JSONSyntaxError) {
        guard index < bytes.count else { throw JSONSyntaxError("unexpected end", at: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object()
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true"); entries.append(JSONTapeEntry(kind: .true))
        case UInt8(ascii: "f"): try literal("false"); entries.append(JSONTapeEntry(kind: .false))
        case UInt8(ascii: "n"): try literal("null"); entries.append(JSONTapeEntry(kind: .null))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
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

    /// Closes the container whose entry is at `opened`, holding `count` values.
    mutating func close(_ opened: Int, count: Int) {
        index += 1
        depth -= 1
        entries[opened].next = Int32(entries.count)
        entries[opened].payload = Int64(count)
    }

    mutating func object() throws(JSONSyntaxError) {
        let opened = entries.count
        entries.append(JSONTapeEntry(kind: .object, start: Int32(index)))
        try enter()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return close(opened, count: 0) }
        let firstKey = openKeys.count
        var count = 0
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw JSONSyntaxError("expected a quoted key", at: index)
            }
            let keyEntry = entries.count
            openKeys.append((try string(hashing: true), keyEntry))
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try value()
            count += 1
            if try anotherFollows(closing: UInt8(ascii: "}"), in: "object") { continue }
            try refuseRepeatedKeys(from: firstKey)
            openKeys.removeSubrange(firstKey...)
            return close(opened, count: count)
        }
    }

    /// Parsers disagree on which of two equal keys wins, so neither does. Keys are compared by
    /// hash first; only equal hashes compare text.
    func refuseRepeatedKeys(from first: Int) throws(JSONSyntaxError) {
        let count = openKeys.count - first
        guard count > 1 else { return }
        if count <= 24 {
            for i in first..<openKeys.count {
                for j in (i + 1)..<openKeys.count where openKeys[i].hash == openKeys[j].hash {
                    try refuseIfSame(openKeys[i].entry, openKeys[j].entry)
                }
            }
            return
        }
        let sorted = openKeys[first...].sorted { $0.hash < $1.hash }
        for (left, right) in zip(sorted, sorted.dropFirst()) where left.hash == right.hash {
            try refuseIfSame(left.entry, right.entry)
        }
    }

    func refuseIfSame(_ left: Int, _ right: Int) throws(JSONSyntaxError) {
        let key = keyBytes(left)
        guard key == keyBytes(right) else { return }
        let text = String(decoding: key, as: UTF8.self)
        throw JSONSyntaxError(structure: "duplicate key \"\(text.prefix(64))\" in a JSON object")
    }

    /// The decoded bytes of the key string at entry `index`.
    func keyBytes(_ index: Int) -> [UInt8] {
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(entries[index].start)..<Int(entries[index].end)])
        return entries[index].kind == .escapedString ? Self.unescaped(raw) : Array(raw)
    }

    mutating func array() throws(JSONSyntaxError) {
        let opened = entries.count
        entries.append(JSONTapeEntry(kind: .array, start: Int32(index)))
        try enter()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return close(opened, count: 0) }
        var count = 0
        while true {
            try value()
            count += 1
            if try anotherFollows(closing: UInt8(ascii: "]"), in: "array") { continue }
            return close(opened, count: count)
        }
    }

    /// After a member or an element: true past a `,` (another follows), false on `closing`,
    /// which is left for `close` to step over.
    mutating func anotherFollows(closing: UInt8, in container: String) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw JSONSyntaxError("unterminated \(container)", at: index) }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            skipWhitespace()
            return true
        }
        guard bytes[index] == closing else { throw JSONSyntaxError("expected '\(Character(Unicode.Scalar(closing)))'", at: index) }
        return false
    }

    // MARK: strings

    /// Appends the quoted string starting at `index`; returns the hash of its decoded bytes when
    /// it is a key (`hashing`), which the repeated-key check uses.
    @discardableResult
    mutating func string(hashing: Bool = false) throws(JSONSyntaxError) -> UInt64 {
        let start = index + 1
        var cursor = start
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                entries.append(JSONTapeEntry(kind: .string, start: Int32(start), end: Int32(cursor)))
                index = cursor + 1
                return hashing ? Self.hash(UnsafeBufferPointer(rebasing: bytes[start..<cursor])) : 0
            }
            if byte == UInt8(ascii: "\\") {
                let (decoded, end) = try escapedString(from: start, firstEscape: cursor)
                entries.append(JSONTapeEntry(kind: .escapedString, start: Int32(start), end: Int32(end)))
                index = end + 1
                return hashing ? decoded.withUnsafeBufferPointer(Self.hash) : 0
            }
            if byte < 0x20 { throw JSONSyntaxError("control character in a string", at: cursor) }
            cursor += 1
        }
        throw JSONSyntaxError("unterminated string", at: index)
    }

    /// FNV-1a: keys are short, and a collision only costs a comparison of the two keys.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
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

    /// The content of a string the parse already accepted, escapes decoded.
    static func unescaped(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard let firstEscape = raw.firstIndex(of: UInt8(ascii: "\\")) else { return Array(raw) }
        var quoted = Array(raw)
        quoted.append(UInt8(ascii: "\""))
        return quoted.withUnsafeBufferPointer { bytes in
            (try? JSONTapeParser(bytes: bytes).escapedString(from: 0, firstEscape: firstEscape).decoded) ?? Array(raw)
        }
    }

    /// The slow path: decodes escapes into a byte buffer (an escape only ever adds a whole
    /// scalar, so the result is valid UTF-8); returns it with the closing quote's offset.
    func escapedString(from start: Int, firstEscape: Int) throws(JSONSyntaxError) -> (decoded: [UInt8], end: Int) {
        var decoded = Array(bytes[start..<firstEscape])
        var cursor = firstEscape
        while cursor < bytes.count {
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "\""):
                return (decoded, cursor)
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
    mutating func number() throws(JSONSyntaxError) {
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
            entries.append(JSONTapeEntry(kind: .integer, start: Int32(start), end: Int32(index), payload: exact))
            return
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        switch Self.inexactNumber(text) {
        case .integer(let exact): entries.append(JSONTapeEntry(kind: .integer, start: Int32(start), end: Int32(index), payload: exact))
        case .fraction(let fraction):
            entries.append(JSONTapeEntry(kind: .fraction, start: Int32(start), end: Int32(index), payload: Int64(bitPattern: fraction.bitPattern)))
        default: throw JSONSyntaxError("number out of range", at: start)
        }
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
