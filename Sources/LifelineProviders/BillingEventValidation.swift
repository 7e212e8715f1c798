import Foundation
import LifelineCore

/// Checks every provider's output the same way: no negative money, ISO-4217-shaped currencies.
public enum BillingEventValidation {
    /// Throws `.malformed` naming the first bad field (JSON path, e.g. `invoice.amount_due`).
    ///
    /// `allowUnknownCurrency` lets an empty currency through for providers whose webhooks
    /// do not say it (GoCardless without metadata); any non-empty currency is still checked.
    public static func validate(_ event: BillingEvent, allowUnknownCurrency: Bool = false) throws(WebhookRejection) {
        let check = Checker(allowUnknownCurrency: allowUnknownCurrency)
        if let invoice = event.invoice {
            try check.currency(invoice.currency, "invoice.currency")
            try check.amount(invoice.amountDue, "invoice.amount_due")
            try check.amount(invoice.amountPaid, "invoice.amount_paid")
            try check.amount(invoice.amountRemaining, "invoice.amount_remaining")
        }
        if let payment = event.payment {
            try check.currency(payment.currency, "payment.currency")
            try check.amount(payment.amount, "payment.amount")
            if let attempt = payment.attempt, attempt < 1 { throw .malformed("payment.attempt must be 1 or more, got \(attempt)") }
        }
        if let subscription = event.subscription {
            try check.currency(subscription.currency, "subscription.currency")
            for (index, item) in subscription.items.enumerated() {
                try check.amount(item.unitAmount, "subscription.items[\(index)].unit_amount")
                try check.amount(item.quantity, "subscription.items[\(index)].quantity")
                guard item.intervalCount >= 1 else {
                    throw .malformed("subscription.items[\(index)].interval_count must be 1 or more, got \(item.intervalCount)")
                }
            }
            if let discount = subscription.discount {
                if let amountOff = discount.amountOff { try check.amount(amountOff, "subscription.discount.amount_off") }
                if let percentOff = discount.percentOff, !(0...100).contains(percentOff) {
                    throw .malformed("subscription.discount.percent_off must be between 0 and 100, got \(percentOff)")
                }
            }
        }
        if let dispute = event.dispute {
            try check.currency(dispute.currency, "dispute.currency")
            try check.amount(dispute.amount, "dispute.amount")
        }
        try BillingEventBounds.check(event)
    }

    /// True for a known ISO 4217 code, either case (`eur`, `EUR`).
    public static func isCurrencyCode(_ text: String) -> Bool {
        text.utf8.count == 3 && text.utf8.allSatisfy { (65...90).contains($0) || (97...122).contains($0) } && ISO4217.contains(text)
    }

    private struct Checker {
        var allowUnknownCurrency: Bool

        func amount(_ value: Int64, _ field: String) throws(WebhookRejection) {
            guard value >= 0 else { throw .malformed("\(field) must not be negative, got \(value)") }
        }

        func currency(_ value: String, _ field: String) throws(WebhookRejection) {
            if value.isEmpty && allowUnknownCurrency { return }
            guard BillingEventValidation.isCurrencyCode(value) else {
                throw .malformed("\(field) must be a 3-letter ISO 4217 code, got \"\(value)\"")
            }
        }
    }
}

/// Turns a JSONDecoder error into a one-line detail naming the field, for 400 responses.
enum DecodingFailure {
    static func detail(_ error: any Error, body: Data) -> String {
        guard let error = error as? DecodingError else { return "body could not be decoded" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context):
            return "field \(path(context.codingPath)) has the wrong type (expected \(describe(type)))"
        case .valueNotFound(let type, let context):
            return "field \(path(context.codingPath)) is null (expected \(describe(type)))"
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // Foundation reports a fractional or oversized integer as "not valid JSON", with no path.
            guard let json = try? JSONDecoder().decode(JSONValue.self, from: body) else { return "body is not valid JSON" }
            if let field = json.firstNonInteger() { return "field \(field) must be an integer" }
            return "body could not be decoded: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return "field \(path(context.codingPath)) is invalid: \(context.debugDescription)"
        @unknown default:
            return "body could not be decoded"
        }
    }

    /// `[invoice, amount_due]` → `invoice.amount_due`; array indexes as `[2]`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(root)" : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int64.Type, is Int.Type: "integer"
        case is Double.Type: "number"
        case is Bool.Type: "boolean"
        default: "\(type)".hasPrefix("Array") ? "array" : ("\(type)".hasPrefix("Dictionary") ? "object" : "\(type)")
        }
    }

    /// Just enough JSON to find the number that is not an integer.
    private indirect enum JSONValue: Decodable {
        case integer, fraction, other
        case array([JSONValue])
        case object([String: JSONValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() || (try? container.decode(Bool.self)) != nil || (try? container.decode(String.self)) != nil {
                self = .other
            } else if (try? container.decode(Int64.self)) != nil {
                self = .integer
            } else if (try? container.decode(Double.self)) != nil {
                self = .fraction
            } else if let array = try? container.decode([JSONValue].self) {
                self = .array(array)
            } else {
                self = .object(try container.decode([String: JSONValue].self))
            }
        }

        /// Path of the first fractional or out-of-range number; `percent_off` may be fractional.
        func firstNonInteger(at path: String = "") -> String? {
            switch self {
            case .fraction:
                return path.hasSuffix("percent_off") ? nil : path
            case .array(let items):
                for (index, item) in items.enumerated() {
                    if let found = item.firstNonInteger(at: "\(path)[\(index)]") { return found }
                }
                return nil
            case .object(let fields):
                for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                    if let found = value.firstNonInteger(at: path.isEmpty ? key : "\(path).\(key)") { return found }
                }
                return nil
            case .integer, .other:
                return nil
            }
        }
    }
}
