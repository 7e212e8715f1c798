import Foundation

/// A parsed body kept as its bytes plus one flat entry per value, in document order: nothing is
/// built for the fields nobody reads. Strings become `String`s only when asked for, and a lookup
/// compares key bytes instead of hashing into a dictionary per object.
final class JSONTape: Sendable {
    let bytes: [UInt8]
    let entries: [JSONTapeEntry]

    init(bytes: [UInt8], entries: [JSONTapeEntry]) {
        self.bytes = bytes
        self.entries = entries
    }

    /// The root value's entry.
    static let root = 0

    /// A value read out of the tape; JSON `null` is `nil` where this is optional.
    enum Value: Sendable, Equatable {
        case bool(Bool)
        case integer(Int64)
        case fraction(Double)
        case string(String)
        /// The entry index of an array or object, to read it further.
        case array(Int)
        case object(Int)

        /// A short name of the value's kind, for rejection details.
        var kind: String {
            switch self {
            case .bool: "a boolean"
            case .integer: "an integer"
            case .fraction: "a non-integer or out-of-range number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    /// The value at entry `index`, nil for `null`.
    func value(at index: Int) -> Value? {
        let entry = entries[index]
        switch entry.kind {
        case .null: return nil
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .integer: return .integer(entry.payload)
        case .fraction: return .fraction(Double(bitPattern: UInt64(bitPattern: entry.payload)))
        case .string, .escapedString: return .string(string(at: index))
        case .array: return .array(index)
        case .object: return .object(index)
        }
    }

    /// The text of a string entry, escapes decoded.
    func string(at index: Int) -> String {
        let entry = entries[index]
        return bytes.withUnsafeBufferPointer { buffer in
            let raw = UnsafeBufferPointer(rebasing: buffer[Int(entry.start)..<Int(entry.end)])
            guard entry.kind == .escapedString else { return String(decoding: raw, as: UTF8.self) }
            return String(decoding: JSONTapeParser.unescaped(raw), as: UTF8.self)
        }
    }

    /// True when the number at `index` is an integer written plainly (`4900`, `-1`), not
    /// `4.9e3` or `4900.0`, which JSON readers disagree on.
    func isPlainInteger(at index: Int) -> Bool {
        let entry = entries[index]
        guard entry.kind == .integer, entry.end > entry.start else { return false }
        return bytes[Int(entry.start)..<Int(entry.end)].allSatisfy { $0 == UInt8(ascii: "-") || (48...57).contains($0) }
    }

    /// The entry after the value at `index` and everything inside it.
    func index(after index: Int) -> Int {
        let entry = entries[index]
        return entry.kind.isContainer ? Int(entry.next) : index + 1
    }

    /// The entry of the value `key` names in the object at `object`, nil when absent.
    func member(_ key: String, of object: Int) -> Int? {
        var key = key
        return key.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { buffer in
                let end = Int(entries[object].next)
                var keyIndex = object + 1
                while keyIndex < end {
                    let entry = entries[keyIndex]
                    let raw = UnsafeBufferPointer(rebasing: buffer[Int(entry.start)..<Int(entry.end)])
                    if entry.kind == .string {
                        if Self.sameBytes(raw, wanted) { return keyIndex + 1 }
                    } else if JSONTapeParser.unescaped(raw).withUnsafeBufferPointer({ Self.sameBytes($0, wanted) }) {
                        return keyIndex + 1
                    }
                    keyIndex = index(after: keyIndex + 1)
                }
                return nil
            }
        }
    }

    static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        return memcmp(left, right, a.count) == 0
    }

    /// Entry indexes of an array's elements.
    func elements(of array: Int) -> [Int] {
        var found: [Int] = []
        found.reserveCapacity(Int(entries[array].payload))
        var index = array + 1
        let end = Int(entries[array].next)
        while index < end {
            found.append(index)
            index = self.index(after: index)
        }
        return found
    }

    /// An object's keys with the entry index of each value, in document order.
    func members(of object: Int) -> [(key: String, value: Int)] {
        var found: [(key: String, value: Int)] = []
        found.reserveCapacity(Int(entries[object].payload))
        var keyIndex = object + 1
        let end = Int(entries[object].next)
        while keyIndex < end {
            found.append((string(at: keyIndex), keyIndex + 1))
            keyIndex = index(after: keyIndex + 1)
        }
        return found
    }

    /// The whole value at `index` as a `StripeJSON` tree (tests compare it with `JSONDecoder`'s).
    func tree(at index: Int = JSONTape.root) -> StripeJSON {
        switch value(at: index) {
        case nil: return .null
        case .bool(let flag): return .bool(flag)
        case .integer(let number): return .integer(number)
        case .fraction(let number): return .fraction(number)
        case .string(let text): return .string(text)
        case .array(let array): return .array(elements(of: array).map { tree(at: $0) })
        case .object(let object):
            var fields: [String: StripeJSON] = [:]
            for member in members(of: object) { fields[member.key] = tree(at: member.value) }
            return .object(fields)
        }
    }
}

/// One value of a tape: 24 bytes, no references.
struct JSONTapeEntry: Sendable {
    enum Kind: UInt8, Sendable {
        case null, `true`, `false`, integer, fraction
        /// A string without escapes: its bytes are its text.
        case string
        /// A string with at least one escape, decoded when read.
        case escapedString
        case array, object

        var isContainer: Bool { self == .array || self == .object }
    }

    var kind: Kind
    /// Strings: the first byte after the opening quote; numbers: the literal's first byte.
    var start: Int32 = 0
    /// Strings: the closing quote's offset; numbers: the offset after the literal.
    var end: Int32 = 0
    /// Containers: the entry after their last member.
    var next: Int32 = 0
    /// Integers: the value; fractions: the `Double`'s bits; containers: how many values they hold.
    var payload: Int64 = 0
}
