import LifelineCore

/// A JSON object with its path in the event, so every rejection names the offending field.
struct StripeObject: Sendable {
    let tape: JSONTape
    /// The object's entry in `tape`.
    let entry: Int
    /// Dotted path from the event root, e.g. `data.object.items.data[0]`.
    let path: String

    init(_ tape: JSONTape, entry: Int, path: String) {
        self.tape = tape
        self.entry = entry
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value at `key`, treating JSON `null` like an absent key.
    func value(_ key: String) -> JSONTape.Value? {
        guard let member = tape.member(key, of: entry) else { return nil }
        return tape.value(at: member)
    }

    func malformed(_ key: String, expected: String, got value: JSONTape.Value?) -> WebhookRejection {
        .malformed("\(fieldPath(key)) must be \(expected), got \(value?.kind ?? "nothing")")
    }

    // MARK: strings

    func string(_ key: String) throws(WebhookRejection) -> String {
        guard let text = try optionalString(key) else { throw malformed(key, expected: "a string", got: nil) }
        return text
    }

    func optionalString(_ key: String) throws(WebhookRejection) -> String? {
        switch value(key) {
        case nil: return nil
        case .string(let text): return text
        case let other: throw malformed(key, expected: "a string", got: other)
        }
    }

    // MARK: integers (timestamps, counts) and amounts (money)

    func integer(_ key: String) throws(WebhookRejection) -> Int64 {
        guard let number = try optionalInteger(key) else { throw malformed(key, expected: "an integer", got: nil) }
        return number
    }

    func optionalInteger(_ key: String) throws(WebhookRejection) -> Int64? {
        switch value(key) {
        case nil: return nil
        case .integer(let number):
            try requirePlainInteger(key, expected: "an integer")
            return number
        case let other: throw malformed(key, expected: "an integer", got: other)
        }
    }

    /// Stripe writes every integer plainly: `4.9e3` or `4900.0` is refused, never read as 4900.
    func requirePlainInteger(_ key: String, expected: String) throws(WebhookRejection) {
        guard let member = tape.member(key, of: entry), tape.isPlainInteger(at: member) else {
            throw .malformed("\(fieldPath(key)) must be \(expected) written as a plain JSON integer, without a fraction or exponent")
        }
    }

    /// Money in minor units: a JSON integer, never negative.
    func amount(_ key: String) throws(WebhookRejection) -> Int64 {
        guard let number = try optionalAmount(key) else {
            throw malformed(key, expected: "a non-negative integer amount", got: nil)
        }
        return number
    }

    func optionalAmount(_ key: String) throws(WebhookRejection) -> Int64? {
        switch value(key) {
        case nil: return nil
        case .integer(let number) where number >= 0:
            try requirePlainInteger(key, expected: "a non-negative integer amount")
            return number
        case .integer: throw .malformed("\(fieldPath(key)) must be a non-negative integer amount, got a negative integer")
        case let other: throw malformed(key, expected: "a non-negative integer amount", got: other)
        }
    }

    /// Percentages may be fractional (`12.5`); they are ratios, not money.
    func optionalPercentage(_ key: String) throws(WebhookRejection) -> Double? {
        switch value(key) {
        case nil: return nil
        case .integer(let number) where (0...100).contains(number): return Double(number)
        case .fraction(let number) where (0...100).contains(number): return number
        case let other: throw malformed(key, expected: "a percentage between 0 and 100", got: other)
        }
    }

    func optionalBool(_ key: String) throws(WebhookRejection) -> Bool? {
        switch value(key) {
        case nil: return nil
        case .bool(let flag): return flag
        case let other: throw malformed(key, expected: "a boolean", got: other)
        }
    }

    // MARK: nested objects and lists

    func object(_ key: String) throws(WebhookRejection) -> StripeObject {
        guard let nested = try optionalObject(key) else { throw malformed(key, expected: "an object", got: nil) }
        return nested
    }

    func optionalObject(_ key: String) throws(WebhookRejection) -> StripeObject? {
        switch value(key) {
        case nil: return nil
        case .object(let nested): return StripeObject(tape, entry: nested, path: fieldPath(key))
        case let other: throw malformed(key, expected: "an object", got: other)
        }
    }

    /// Elements of an array; objects come back as `StripeObject`, anything else as nil.
    func optionalList(_ key: String) throws(WebhookRejection) -> [StripeObject?]? {
        switch value(key) {
        case nil: return nil
        case .array(let array):
            return tape.elements(of: array).enumerated().map { index, element in
                guard tape.entries[element].kind == .object else { return nil }
                return StripeObject(tape, entry: element, path: "\(fieldPath(key))[\(index)]")
            }
        case let other: throw malformed(key, expected: "an array", got: other)
        }
    }
}
