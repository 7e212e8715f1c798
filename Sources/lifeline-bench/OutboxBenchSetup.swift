import Foundation
import LifelineCore
import LifelineProviders
import LifelineStore
import LifelineStoreSQLite

/// Fills the outbox the way production does: each customer's subscription, then a payment
/// failure that the playbook answers with planned actions, ingested through the real store.
struct OutboxBenchSetup {
    let store: SQLiteStore
    let templates: BenchWebhooks
    /// Ingests in flight at once; group commit batches them.
    var concurrency = 128

    /// Ingests customers `offset ..< offset + customers`; returns how many actions were planned.
    func plan(customers: Int, offset: Int) async throws -> Int {
        let before = try await store.actions(status: .pending).count
        for round in 0...1 {
            var next = offset
            while next < offset + customers {
                let chunk = next..<min(next + concurrency, offset + customers)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for customer in chunk {
                        let delivery = try delivery(customer: customer, round: round)
                        group.addTask { _ = try await store.ingest(delivery) }
                    }
                    try await group.waitForAll()
                }
                next = chunk.upperBound
            }
        }
        return try await store.actions(status: .pending).count - before
    }

    /// One Stripe webhook normalized by the real provider, received when it happened.
    func delivery(customer: Int, round: Int) throws -> IncomingDelivery {
        let body = templates.body(customer: "BoC\(customer)", round: round, eventID: "evt_o_\(customer)_\(round)")
        let normalized = try StripeProvider(signature: StripeSignature(secrets: [])).normalize(body: body)
        let receivedAt = normalized.events.first?.occurredAt ?? BenchWebhooks.firstEventAt
        return IncomingDelivery(provider: .stripe, receivedAt: receivedAt, headers: [:], body: body, events: normalized.events)
    }
}
