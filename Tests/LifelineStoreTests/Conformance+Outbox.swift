import LifelineCore
import LifelineStore
import Testing

/// The outbox: planning in the event's transaction, leases, concurrent claimers, attempts.
extension Conformance {
    /// The bakery up to its insufficient-funds failure: one cash-flow case, a financing offer due now.
    static func bakeryUntilFailure(_ store: any LifelineStore) async throws {
        for delivery in try Samples.demo("boulangerie", until: Samples.bakeryFailure) { _ = try await store.ingest(delivery) }
    }

    static func failurePlansACaseAndItsActions(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await bakeryUntilFailure(store)
            let cases = try await store.cases(status: nil, category: nil)
            #expect(cases.count == 1)
            let recoveryCase = try #require(cases.first)
            #expect(recoveryCase.status == .open)
            #expect(recoveryCase.category == .cashFlow)
            #expect(recoveryCase.stressScore >= 50)
            #expect(recoveryCase.mrrAtRisk == 4_900)
            let actions = try await store.actions(status: .pending)
            #expect(actions.count >= 2)
            let offer = try #require(actions.first { $0.kind == .financingOffer })
            #expect(offer.target == "sandbox")
            #expect(offer.nextAttemptAt == Samples.bakeryFailure)
            #expect(offer.payload.contains(offer.id))
            let detail = try #require(try await store.caseDetail(id: recoveryCase.id))
            #expect(detail.timeline.contains { $0.kind == "decision" })
            #expect(detail.failures.count == 1)
            #expect(detail.customer?.id == "cus_demo_boulangerie")
        }
    }

    static func claimLeasesDueActionsUntilTheLeaseExpires(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await bakeryUntilFailure(store)
            let now = Samples.bakeryFailure
            let due = try await store.actions(status: .pending).filter { $0.nextAttemptAt <= now }.map(\.id)
            #expect(!due.isEmpty)
            #expect(try await store.claimDueActions(now: now - 1, limit: 10, leaseSeconds: 60).isEmpty)
            let claimed = try await store.claimDueActions(now: now, limit: 10, leaseSeconds: 60)
            #expect(claimed.map(\.id) == due)
            #expect(claimed.allSatisfy { $0.status == .leased && $0.leaseExpiresAt == now + 60 })
            #expect(try await store.actions(status: .leased).map(\.id) == due)
            #expect(try await store.claimDueActions(now: now + 59, limit: 10, leaseSeconds: 60).isEmpty)
            // The claimer died: once its lease is over the action goes to the next claim.
            let reclaimed = try await store.claimDueActions(now: now + 60, limit: 10, leaseSeconds: 60)
            #expect(reclaimed.map(\.id) == due)
            #expect(reclaimed.allSatisfy { $0.leaseExpiresAt == now + 120 })
            // Later steps stay pending until their time; a limit is honoured.
            let later = try await store.actions(status: .pending)
            #expect(!later.isEmpty)
            #expect(later.allSatisfy { $0.nextAttemptAt > now })
            #expect(try await store.claimDueActions(now: now + 400 * 86_400, limit: 1, leaseSeconds: 60).count == 1)
        }
    }

    /// Forty actions, eight claimers on two instances taking three at a time: every action is
    /// claimed exactly once.
    static func concurrentClaimersNeverShareAnAction(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let instances = [try await database.open(), try await database.open()]
            for index in 0..<12 {
                let customer = "cus_claim_\(index)", subscription = "sub_claim_\(index)"
                _ = try await instances[index % 2].ingest(try Samples.subscriptionCreated(id: "evt_s_\(index)", customer: customer, subscription: subscription, amount: 4_900, at: start))
                _ = try await instances[index % 2].ingest(try Samples.paymentFailed(id: "evt_f_\(index)", customer: customer, subscription: subscription, invoice: "in_claim_\(index)", amount: 4_900, at: start + 86_400))
            }
            let all = Set(try await instances[0].actions(status: .pending).map(\.id))
            #expect(all.count >= 24)
            let farFuture = start + 400 * 86_400
            let batches = try await concurrently(8, over: instances) { store, _ in
                var mine: [String] = []
                while true {
                    let batch = try await store.claimDueActions(now: farFuture, limit: 3, leaseSeconds: 600)
                    if batch.isEmpty { return mine }
                    mine += batch.map(\.id)
                }
            }
            let claimed = batches.flatMap { $0 }
            #expect(claimed.count == all.count)
            #expect(Set(claimed) == all)
            #expect(try await instances[1].actions(status: .leased).count == all.count)
        }
    }

    static func attempt(_ action: RecoveryAction, _ outcome: DeliveryOutcomeKind, at time: Int64, status: Int?) -> DeliveryAttempt {
        DeliveryAttempt(
            actionID: action.id, attempt: action.attempts + 1, startedAt: time, latencyMilliseconds: 2_500, httpStatus: status,
            outcome: outcome, error: outcome == .delivered ? nil : "HTTP \(status ?? 0)"
        )
    }

    static func retryThenDeliveryMovesTheCaseToActing(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await bakeryUntilFailure(store)
            let now = Samples.bakeryFailure
            let offer = try #require(try await store.claimDueActions(now: now, limit: 10, leaseSeconds: 60).first)
            try await store.recordAttempt(attempt(offer, .retry, at: now, status: 503), nextAttemptAt: now + 300, lastError: "HTTP 503")
            var action = try #require(try await store.actions(status: nil).first { $0.id == offer.id })
            #expect(action.status == .pending)
            #expect(action.attempts == 1)
            #expect(action.nextAttemptAt == now + 300)
            #expect(action.leaseExpiresAt == nil)
            #expect(action.lastError == "HTTP 503")
            #expect(try await store.cases(status: .open, category: nil).count == 1)
            #expect(try await store.claimDueActions(now: now + 299, limit: 10, leaseSeconds: 60).isEmpty)

            let again = try #require(try await store.claimDueActions(now: now + 300, limit: 10, leaseSeconds: 60).first)
            #expect(again.id == offer.id)
            try await store.recordAttempt(attempt(again, .delivered, at: now + 300, status: 201), nextAttemptAt: nil, lastError: nil)
            action = try #require(try await store.actions(status: .delivered).first)
            #expect(action.id == offer.id)
            #expect(action.attempts == 2)
            #expect(action.deliveredAt == now + 302)
            #expect(action.lastError == nil)
            let recoveryCase = try #require(try await store.cases(status: .acting, category: nil).first)
            #expect(recoveryCase.actingAt == now + 302)
            let detail = try #require(try await store.caseDetail(id: recoveryCase.id))
            #expect(detail.attempts.map(\.httpStatus) == [503, 201])
            #expect(detail.timeline.filter { $0.kind == "attempt" }.count == 2)
            #expect(detail.timeline.contains { $0.summary.contains("next try at") })
            #expect(detail.timeline.contains { $0.kind == "status" && $0.summary.hasPrefix("acting") })
            #expect(try await store.attempts(actionID: offer.id).map(\.outcome) == [.retry, .delivered])
        }
    }

    /// Dead is final until finance ops retry; a cancelled action is never resurrected by a late
    /// retry or dead letter, but a late delivery is recorded as what it is.
    static func deadAndCancelledRules(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await bakeryUntilFailure(store)
            let now = Samples.bakeryFailure
            let offer = try #require(try await store.claimDueActions(now: now, limit: 10, leaseSeconds: 60).first)
            try await store.recordAttempt(attempt(offer, .dead, at: now, status: 400), nextAttemptAt: nil, lastError: "HTTP 400")
            #expect(try await store.actions(status: .dead).map(\.id) == [offer.id])

            let farFuture = now + 400 * 86_400
            let leased = try await store.claimDueActions(now: farFuture, limit: 10, leaseSeconds: 60)
            #expect(leased.count >= 2)
            #expect(!leased.contains { $0.id == offer.id })
            // The invoice is paid meanwhile: what is pending or leased is cancelled.
            for delivery in try Samples.demo("boulangerie").filter({ $0.receivedAt > now }) { _ = try await store.ingest(delivery) }
            #expect(Set(try await store.actions(status: .cancelled).map(\.id)) == Set(leased.map(\.id)))
            #expect(try await store.actions(status: .dead).map(\.id) == [offer.id])

            try await store.recordAttempt(attempt(leased[0], .retry, at: farFuture, status: 503), nextAttemptAt: farFuture + 60, lastError: "HTTP 503")
            try await store.recordAttempt(attempt(leased[1], .delivered, at: farFuture, status: 201), nextAttemptAt: nil, lastError: nil)
            let actions = try await store.actions(status: nil)
            #expect(actions.first { $0.id == leased[0].id }?.status == .cancelled)
            #expect(actions.first { $0.id == leased[1].id }?.status == .delivered)
            #expect(try await store.cases(status: .recovered, category: nil).count == 1)
        }
    }
}
