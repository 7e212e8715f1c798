import Foundation
import LifelineCore
import LifelineProviders
import Synchronization

/// Bodies for the hostile-input table: valid events of each provider with one field poisoned.
enum HostileBodies {
    /// Replacements that no longer match their sample; a test checks this stays empty, so a
    /// changed sample cannot turn a hostile case into a vacuous one.
    static let unmatched = Mutex<[String]>([])

    /// A generic payment failure; each parameter is spliced in as raw JSON text.
    static func standard(
        amount: String = "4900", currency: String = "\"eur\"", occurredAt: String = "1790838000",
        id: String = "\"evt_hostile\"", extra: String = ""
    ) -> [UInt8] {
        Array("""
        {"id":\(id),"type":"payment.failed","occurred_at":\(occurredAt),"customer":{"id":"cus_hostile"\(extra)},\
        "invoice":{"id":"in_hostile","currency":\(currency),"amount_due":\(amount),"amount_paid":0,"amount_remaining":\(amount),"status":"open"},\
        "payment":{"amount":\(amount),"currency":\(currency),"failure_code":"insufficient_funds"}}
        """.utf8)
    }

    /// A generic event of `type` for a known customer, with `objects` (raw JSON members) beside it.
    static func generic(type: String, objects: String = "") -> [UInt8] {
        Array("""
        {"id":"evt_hostile_obj","type":"\(type)","occurred_at":1790838000,"customer":{"id":"cus_hostile"}\(objects.isEmpty ? "" : ",")\(objects)}
        """.utf8)
    }

    /// A generic subscription with one item, to poison its price, quantity or interval.
    static func subscription(unitAmount: String = "4900", quantity: String = "1", intervalCount: String = "1") -> [UInt8] {
        Array("""
        {"id":"evt_hostile_sub","type":"subscription.created","occurred_at":1790838000,"customer":{"id":"cus_hostile"},\
        "subscription":{"id":"sub_hostile","status":"active","currency":"eur",\
        "items":[{"unit_amount":\(unitAmount),"quantity":\(quantity),"interval":"day","interval_count":\(intervalCount)}]}}
        """.utf8)
    }

    /// The voided-invoice sample with textual replacements (each must match; all occurrences change).
    static func stripe(_ replacements: [(String, String)] = []) -> [UInt8] {
        var text = String(decoding: (try? ServerFixture.sample("stripe/21_invoice.voided.json")) ?? [], as: UTF8.self)
        for (from, to) in replacements {
            if !text.contains(from) { unmatched.withLock { $0.append("stripe: \(from)") } }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return Array(text.utf8)
    }

    /// The insufficient-funds GoCardless sample with textual replacements.
    static func gocardless(_ replacements: [(String, String)] = []) -> [UInt8] {
        var text = String(decoding: (try? ServerFixture.sample("gocardless/02-atelier-dupont-payment-failed-insufficient-funds.json")) ?? [], as: UTF8.self)
        for (from, to) in replacements {
            if !text.contains(from) { unmatched.withLock { $0.append("gocardless: \(from)") } }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return Array(text.utf8)
    }

    static func nestedArrays(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func nestedObjects(_ depth: Int) -> String {
        String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
    }

    /// `text` with bytes that are not UTF-8 in place of `marker`.
    static func invalidUTF8(_ body: [UInt8], replacing marker: String) -> [UInt8] {
        let text = String(decoding: body, as: UTF8.self)
        guard let range = text.range(of: marker) else { return body }
        return Array(text[..<range.lowerBound].utf8) + [0xFF, 0xFE, 0xC0, 0x80] + Array(text[range.upperBound...].utf8)
    }
}
