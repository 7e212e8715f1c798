import LifelineCore
import LifelineStore
import Testing

/// The gauges of `/metrics`: the same counts and ages from both stores.
extension Conformance {
    static func gaugesCountTheOutboxCasesAndLag(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            #expect(try await store.gauges(now: 1_000) == StoreGauges(projection: .init(lagEvents: 0, lagSeconds: 0, failures: 0), outbox: [], cases: []))
            try await bakeryUntilFailure(store)
            let now = Samples.bakeryFailure + 90
            let planned = try await store.gauges(now: now)
            #expect(planned.cases == [.init(status: .open, category: .cashFlow, count: 1)])
            let pending = try await store.actions(status: .pending)
            #expect(planned.outbox.allSatisfy { $0.status == .pending })
            for kind in ActionKind.allCases {
                let ofKind = pending.filter { $0.kind == kind }
                let row = planned.outbox.first { $0.kind == kind }
                #expect(row?.count ?? 0 == ofKind.count, "\(kind)")
                // Due since the failure (90 s), or not due yet (0).
                if let due = ofKind.filter({ $0.nextAttemptAt <= now }).map(\.nextAttemptAt).min() {
                    #expect(row?.oldestAgeSeconds == now - due, "\(kind)")
                } else if row != nil {
                    #expect(row?.oldestAgeSeconds == 0, "\(kind)")
                }
            }
            #expect(planned.outbox.first { $0.kind == .financingOffer }?.oldestAgeSeconds == 90)

            // Claimed: leased, still counted from when it became due.
            let claimed = try #require(try await store.claimDueActions(now: now, limit: 1, leaseSeconds: 60).first)
            let leased = try await store.gauges(now: now + 10)
            #expect(leased.outbox.first { $0.kind == claimed.kind && $0.status == .leased } == .init(
                kind: claimed.kind, status: .leased, count: 1, oldestAgeSeconds: now + 10 - claimed.nextAttemptAt))
            // Refused: a dead letter, aged from its death.
            try await store.recordAttempt(DeliveryAttempt(
                actionID: claimed.id, attempt: 1, startedAt: now + 20, latencyMilliseconds: 0, httpStatus: 422, outcome: .dead, error: "refused"
            ), nextAttemptAt: nil, lastError: "refused")
            let dead = try await store.gauges(now: now + 320)
            #expect(dead.outbox.first { $0.kind == claimed.kind && $0.status == .dead } == .init(
                kind: claimed.kind, status: .dead, count: 1, oldestAgeSeconds: 300))
            #expect(!dead.outbox.contains { $0.status == .leased })

            // Appended, not projected yet: the lag.
            let later = try Samples.paymentFailed(id: "evt_gauge_lag", customer: "cus_gauge", subscription: "sub_gauge", invoice: "in_gauge", amount: 1_000, at: now + 400)
            _ = try await store.append(later, origin: .live)
            let lagging = try await store.gauges(now: now + 460)
            #expect(lagging.projection == ProjectionStatus(lagEvents: 1, lagSeconds: 60, failures: 0))
            #expect(lagging.cases == [.init(status: .open, category: .cashFlow, count: 1)])
        }
    }
}
