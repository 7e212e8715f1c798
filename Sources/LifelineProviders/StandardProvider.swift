import Foundation
import LifelineCore

/// Any billing system speaking Lifeline's generic event over Standard Webhooks.
///
/// The body is exactly one `BillingEvent` in its snake_case JSON form
/// (`Webhooks/schema/billing-event.schema.json`).
public struct StandardProvider: WebhookProvider {
    public let signature: StandardWebhooksSignature

    public init(signature: StandardWebhooksSignature) {
        self.signature = signature
    }

    public var name: ProviderName { .standard }

    public var headersToStore: [String] { ["webhook-id", "webhook-timestamp", "content-type", "user-agent"] }

    public func verify(body: [UInt8], headers: WebhookHeaders, now: Int64) throws(WebhookRejection) {
        try signature.verify(body: body, headers: headers, now: now)
    }

    public func normalize(body: [UInt8]) throws(WebhookRejection) -> NormalizedDelivery {
        try JSONStructureGuard.check(body)
        let data = Data(body)
        let decoder = JSONDecoder()
        // Envelope first: an unknown `type` must be stored and ignored, not refused.
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            throw .malformed(DecodingFailure.detail(error, body: data))
        }
        guard !envelope.id.isEmpty else { throw .malformed("field id must not be empty") }
        guard BillingEventType(rawValue: envelope.type) != nil else {
            let ignored = ProviderEvent(id: envelope.id, providerType: envelope.type, occurredAt: envelope.occurredAt, normalized: nil)
            return NormalizedDelivery(events: [ignored])
        }
        var event: BillingEvent
        do {
            event = try decoder.decode(BillingEvent.self, from: data)
        } catch {
            throw .malformed(DecodingFailure.detail(error, body: data))
        }
        guard !event.customer.id.isEmpty else { throw .malformed("field customer.id must not be empty") }
        if let object = Self.missingObject(event) {
            throw .malformed("type \(event.type.rawValue) requires the \(object) object (Webhooks/schema/billing-event.schema.json)")
        }
        try BillingEventValidation.validate(event)
        Self.lowercaseCurrencies(&event)
        let normalized = ProviderEvent(id: event.id, providerType: event.type.rawValue, occurredAt: event.occurredAt, normalized: event)
        return NormalizedDelivery(events: [normalized])
    }

    /// The object the schema requires for the event's type family (`invoice.*` → `invoice`,
    /// `payment.*` → `payment`, `subscription.*` → `subscription`, `dispute.*` → `dispute`)
    /// when it is absent or null: without it nothing could be applied.
    static func missingObject(_ event: BillingEvent) -> String? {
        let family = event.type.rawValue.prefix { $0 != "." }
        switch family {
        case "invoice": return event.invoice == nil ? "invoice" : nil
        case "payment": return event.payment == nil ? "payment" : nil
        case "subscription": return event.subscription == nil ? "subscription" : nil
        case "dispute": return event.dispute == nil ? "dispute" : nil
        default: return nil
        }
    }

    /// The synthesized decoders keep `EUR` as sent; the rest of Lifeline compares lowercase.
    private static func lowercaseCurrencies(_ event: inout BillingEvent) {
        if let currency = event.invoice?.currency { event.invoice?.currency = currency.lowercased() }
        if let currency = event.payment?.currency { event.payment?.currency = currency.lowercased() }
        if let currency = event.subscription?.currency { event.subscription?.currency = currency.lowercased() }
        if let currency = event.dispute?.currency { event.dispute?.currency = currency.lowercased() }
    }

    /// The three fields every generic event has, whatever its type.
    private struct Envelope: Decodable {
        var id: String
        var type: String
        var occurredAt: Int64

        enum CodingKeys: String, CodingKey {
            case id, type
            case occurredAt = "occurred_at"
        }
    }
}
