import Foundation
import LifelineProviders

/// Realistic Stripe webhooks for the benchmarks: the sample files of `Webhooks/stripe` with their
/// ids rewritten per customer, invoice and event, each signed like Stripe would.
struct BenchWebhooks: Sendable {
    /// One sample file and the tokens rewritten in it.
    /// Slots: 0 the event id, 1 the event time, 2 the invoice token (`TPE001Oct` in
    /// `in_TPE001Oct`, `pi_TPE001Oct`, …), 3 the customer token (`TPE001` in `cus_TPE001`, …).
    struct Template: Sendable {
        var text: TemplateText
    }

    struct Webhook: Sendable {
        var eventID: String
        var body: [UInt8]
        var signature: String
    }

    let subscriptionCreated: Template
    let paymentFailed: Template
    let invoicePaid: Template
    let subscriptionUpdated: Template

    /// First event time (2026-09-01); rounds are five days apart, so every customer's history
    /// moves forward.
    static let firstEventAt: Int64 = 1_788_253_200
    var roundSeconds: Int64 = 5 * 86_400
    /// Prefix of the ids `bench ingest` generates.
    static let runID = "b"

    static func load(directory: String) throws -> BenchWebhooks {
        func template(_ file: String, customer: String, invoice: String?) throws -> Template {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(file)
            let data = try Data(contentsOf: url)
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let id = object["id"] as? String, let created = (object["created"] as? NSNumber)?.int64Value else {
                throw BenchError("\(url.path) is not a Stripe event")
            }
            let text = String(decoding: data, as: UTF8.self)
            for token in [customer, invoice].compactMap({ $0 }) where !text.contains(token) {
                throw BenchError("\(url.path) does not mention \(token)")
            }
            // An absent invoice token becomes one that cannot occur, so its slot stays unused.
            let tokens = ["\"\(id)\"", "\"created\": \(created),", invoice ?? "\u{0}", customer]
            return Template(text: TemplateText(text, tokens: tokens))
        }
        return BenchWebhooks(
            subscriptionCreated: try template("01_customer.subscription.created.json", customer: "TPE001", invoice: nil),
            paymentFailed: try template("11_invoice.payment_failed.json", customer: "TPE001", invoice: "TPE001Oct"),
            invoicePaid: try template("14_invoice.paid.json", customer: "TPE001", invoice: "TPE001Oct"),
            subscriptionUpdated: try template("08_customer.subscription.updated.json", customer: "TPE003", invoice: nil)
        )
    }

    /// Event `index` of a run over `customers` customers: round 0 creates each subscription,
    /// then every customer cycles through payment failed → invoice paid → subscription updated.
    func body(index: Int, customers: Int, runID: String) -> (eventID: String, body: [UInt8]) {
        let eventID = Self.eventID(index: index, runID: runID)
        return (eventID, body(customer: "B\(runID)C\(index % customers)", round: index / customers, eventID: eventID))
    }

    /// The event of `round` in one customer's history.
    func body(customer customerID: String, round: Int, eventID: String) -> [UInt8] {
        let template: Template
        var invoice = 0
        if round == 0 {
            template = subscriptionCreated
        } else {
            invoice = (round - 1) / 3
            template = [paymentFailed, invoicePaid, subscriptionUpdated][(round - 1) % 3]
        }
        let created = Self.firstEventAt + Int64(round) * roundSeconds
        return template.text.render(["\"\(eventID)\"", "\"created\": \(created),", "\(customerID)I\(invoice)", customerID])
    }

    static func eventID(index: Int, runID: String) -> String { "evt_\(runID)_\(index)" }

    /// Events `range` signed with `secret` at `timestamp`, ready to post.
    func signed(_ range: Range<Int>, customers: Int, runID: String, secret: String, timestamp: Int64) -> [Webhook] {
        range.map { index in
            let (eventID, body) = body(index: index, customers: customers, runID: runID)
            return Webhook(eventID: eventID, body: body, signature: StripeSignature.header(body: body, secret: secret, timestamp: timestamp))
        }
    }
}

/// A benchmark that cannot run as asked.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
