import Foundation
import LifelineCore
import LifelineStore
import Testing

/// Finance ops' side: sending a dead action again, and the financing partner's callbacks.
extension Conformance {
    static func retryActionPutsADeadActionBack(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await bakeryUntilFailure(store)
            let now = Samples.bakeryFailure
            let offer = try #require(try await store.claimDueActions(now: now, limit: 10, leaseSeconds: 60).first)
            #expect(try await store.retryAction(id: offer.id, now: now) == .notRetryable(.leased))
            try await store.recordAttempt(attempt(offer, .dead, at: now, status: 422), nextAttemptAt: nil, lastError: "HTTP 422")

            let later = now + 3_600
            guard case .scheduled(let scheduled) = try await store.retryAction(id: offer.id, now: later) else {
                Issue.record("a dead action must be scheduled again")
                return
            }
            #expect(scheduled.status == .pending)
            #expect(scheduled.attempts == 0)
            #expect(scheduled.nextAttemptAt == later)
            #expect(scheduled.leaseExpiresAt == nil)
            #expect(try await store.actions(status: .pending).first { $0.id == offer.id } == scheduled)
            #expect(try await store.retryAction(id: offer.id, now: later) == .notRetryable(.pending))
            #expect(try await store.retryAction(id: "act_nope", now: later) == .notFound)
            #expect(try await store.claimDueActions(now: later, limit: 10, leaseSeconds: 60).map(\.id) == [offer.id])
            let detail = try #require(try await store.caseDetail(id: offer.caseID))
            #expect(detail.timeline.contains { $0.kind == "action" && $0.summary.contains("sent back to the outbox") })
        }
    }

    /// A cancelled action (its case recovered meanwhile) is sent back like a dead one: pending
    /// now, its attempts reset, claimable; the case stays recovered.
    static func retryActionPutsACancelledActionBack(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await bakeryUntilFailure(store)
            let now = Samples.bakeryFailure
            try await deliverDue(store, now: now)
            // The invoice is paid: the plan's later steps are cancelled.
            for delivery in try Samples.demo("boulangerie").filter({ $0.receivedAt > now }) { _ = try await store.ingest(delivery) }
            let cancelled = try await store.actions(status: .cancelled)
            #expect(cancelled.count == 2)
            let email = try #require(cancelled.first { $0.kind == .dunningEmail })
            #expect(try await store.cases(status: .recovered, category: nil).count == 1)

            let later = now + 40 * 86_400
            guard case .scheduled(let scheduled) = try await store.retryAction(id: email.id, now: later) else {
                Issue.record("a cancelled action must be scheduled again")
                return
            }
            #expect(scheduled.status == .pending)
            #expect(scheduled.attempts == 0)
            #expect(scheduled.nextAttemptAt == later)
            #expect(try await store.actions(status: .pending).map(\.id) == [email.id])
            #expect(Set(try await store.actions(status: .cancelled).map(\.id)) == Set(cancelled.map(\.id)).subtracting([email.id]))
            #expect(try await store.retryAction(id: email.id, now: later) == .notRetryable(.pending))
            #expect(try await store.claimDueActions(now: later, limit: 10, leaseSeconds: 60).map(\.id) == [email.id])
            let detail = try #require(try await store.caseDetail(id: email.caseID))
            #expect(detail.timeline.contains {
                $0.kind == "action" && $0.summary == "dunning_email \(email.id) sent back to the outbox by finance ops (was cancelled)"
            })
            // Sending an action again does not reopen the case.
            #expect(detail.recoveryCase.status == .recovered)
        }
    }

    static func callback(_ id: String, _ type: PartnerCallbackType, offer: String, partner: String = "sandbox", at time: Int64) -> IncomingPartnerCallback {
        let callback = PartnerCallback(id: id, type: type, offerID: offer, occurredAt: time, amount: 4_900, currency: "eur")
        let body = Array(#"{"id":"\#(id)","type":"\#(type.rawValue)","offer_id":"\#(offer)","occurred_at":\#(time)}"#.utf8)
        return IncomingPartnerCallback(partner: partner, receivedAt: time, headers: ["webhook-id": id], body: body, callback: callback)
    }

    static func partnerCallbacksMoveTheCase(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let instances = [try await database.open(), try await database.open()]
            let store = instances[0]
            try await bakeryUntilFailure(store)
            let now = Samples.bakeryFailure
            let offer = try #require(try await deliverDue(store, now: now).first)
            let caseID = try #require(try await store.cases(status: .acting, category: nil).first?.id)

            #expect(try await store.ingestPartnerCallback(callback("cb_1", .accepted, offer: offer, at: now + 60)) == .applied(caseID: caseID))
            #expect(try await store.ingestPartnerCallback(callback("cb_x", .funded, offer: "act_nope", at: now + 60)) == .unknownOffer)
            #expect(try await store.ingestPartnerCallback(callback("cb_y", .funded, offer: offer, partner: "nobody", at: now + 60)) == .unknownOffer)
            #expect(try await store.cases(status: .acting, category: nil).count == 1)

            // The same funded callback reaching both instances at once is applied once.
            let funded = callback("cb_2", .funded, offer: offer, at: now + 120)
            let results = try await concurrently(6, over: instances) { instance, _ in try await instance.ingestPartnerCallback(funded) }
            #expect(results.filter { $0 == .applied(caseID: caseID) }.count == 1)
            #expect(results.filter { $0 == .duplicate }.count == 5)

            let recovered = try #require(try await store.cases(status: .recovered, category: nil).first)
            #expect(recovered.attributedActionID == offer)
            #expect(recovered.attributedActionKind == .financingOffer)
            #expect(recovered.recoveredAt == now + 120)
            #expect(try await store.actions(status: .pending).isEmpty)
            #expect(!(try await store.actions(status: .cancelled)).isEmpty)
            let detail = try #require(try await instances[1].caseDetail(id: caseID))
            #expect(detail.timeline.filter { $0.kind == "partner" }.count == 2)
            #expect(detail.timeline.contains { $0.kind == "status" && $0.summary.hasPrefix("recovered") })
            let events = try await store.storedEvents().filter { $0.provider == "partner:sandbox" }
            #expect(events.map(\.eventID) == ["cb_1", "cb_2"])
        }
    }
}
