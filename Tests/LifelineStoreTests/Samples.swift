import Foundation
import LifelineCore
import LifelineStore

/// Deliveries for the suite: sample files in Lifeline's generic format, and events built in code.
enum Samples {
    /// Every `*.json` of `Webhooks/<directory>` in file order, one delivery each, received when it
    /// happened; a type Lifeline does not know is kept un-normalized (stored and ignored).
    static func deliveries(_ directory: String) throws -> [IncomingDelivery] {
        let url = TestDatabase.repository.appendingPathComponent("Webhooks").appendingPathComponent(directory)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let body = try Data(contentsOf: url.appendingPathComponent(name))
            let fields = try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
            let id = fields["id"] as? String ?? name
            let occurredAt = (fields["occurred_at"] as? NSNumber)?.int64Value ?? 0
            let event = ProviderEvent(
                id: id, providerType: fields["type"] as? String ?? "unknown", occurredAt: occurredAt,
                normalized: try? JSONDecoder().decode(BillingEvent.self, from: body)
            )
            return IncomingDelivery(provider: .standard, receivedAt: occurredAt, headers: ["webhook-id": id], body: Array(body), events: [event])
        }
    }

    /// The demo's deliveries for one customer (`boulangerie`, `studio`, `garage`, `nova`).
    static func demo(_ customer: String, until: Int64 = .max) throws -> [IncomingDelivery] {
        try deliveries("demo").filter { $0.events.first?.normalized?.customer.id == "cus_demo_\(customer)" && $0.receivedAt <= until }
    }

    /// When the bakery's payment fails for lack of funds: its case opens with a financing offer due now.
    static let bakeryFailure: Int64 = 1_790_838_000

    /// One event in the generic format, as its own delivery.
    static func delivery(_ json: String, receivedAt: Int64? = nil) throws -> IncomingDelivery {
        let event = try JSONDecoder().decode(BillingEvent.self, from: Data(json.utf8))
        return IncomingDelivery(
            provider: .standard, receivedAt: receivedAt ?? event.occurredAt, headers: ["webhook-id": event.id],
            body: Array(json.utf8), events: [ProviderEvent(id: event.id, providerType: event.type.rawValue, occurredAt: event.occurredAt, normalized: event)]
        )
    }

    /// A monthly subscription of `amount` cents for `customer`.
    static func subscriptionCreated(id: String, customer: String, subscription: String, amount: Int64, at time: Int64) throws -> IncomingDelivery {
        try delivery("""
            {"id": "\(id)", "type": "subscription.created", "occurred_at": \(time),
             "customer": {"id": "\(customer)", "name": "Customer \(customer)", "metadata": {"segment": "TPE"}},
             "subscription": {"id": "\(subscription)", "status": "active", "currency": "eur", "started_at": \(time),
                              "items": [{"unit_amount": \(amount), "quantity": 1, "interval": "month"}]}}
            """)
    }

    /// An insufficient-funds failure of `customer`'s invoice: opens a cash-flow case.
    static func paymentFailed(id: String, customer: String, subscription: String, invoice: String, amount: Int64, at time: Int64) throws -> IncomingDelivery {
        try delivery("""
            {"id": "\(id)", "type": "payment.failed", "occurred_at": \(time),
             "customer": {"id": "\(customer)", "name": "Customer \(customer)", "metadata": {"segment": "TPE"}},
             "invoice": {"id": "\(invoice)", "subscription_id": "\(subscription)", "currency": "eur", "amount_due": \(amount),
                         "amount_paid": 0, "amount_remaining": \(amount), "status": "open", "billing_reason": "subscription_cycle",
                         "due_at": \(time)},
             "payment": {"id": "py_\(id)", "amount": \(amount), "currency": "eur", "attempt": 1,
                         "failure_code": "card_declined", "decline_code": "insufficient_funds"}}
            """)
    }
}
