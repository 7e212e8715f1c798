import Foundation
import LifelineCore
import LifelineStore
import Synchronization
import Testing

/// `lifeline rebuild`: the projection recomputed from the log equals the one built event by
/// event; an edited reason-code table reclassifies the past; the record (actions, attempts,
/// timeline, partner outcomes) stays as it was and nothing new is planned.
extension Conformance {
    /// The bakery's case acted on (offer delivered), then funded by the partner; the rest of the samples around it.
    static func recordedHistory(_ store: any LifelineStore) async throws {
        try await bakeryUntilFailure(store)
        let now = Samples.bakeryFailure
        let offer = try #require(try await deliverDue(store, now: now).first)
        #expect(try await store.ingestPartnerCallback(callback("cb_1", .accepted, offer: offer, at: now + 60)) != .unknownOffer)
        #expect(try await store.ingestPartnerCallback(callback("cb_2", .funded, offer: offer, at: now + 120)) != .unknownOffer)
        _ = try await play(try Samples.deliveries("standard"), on: store)
    }

    struct Recorded: Equatable {
        var customers: [CustomerRecord]
        var subscriptions: [SubscriptionRecord]
        var invoices: [InvoiceRecord]
        var failures: [PaymentFailureRecord]
        var movements: [MRRMovement]
        var cases: [RecoveryCase]
        var actions: [RecoveryAction]
        var details: [CaseDetail?]

        init(_ store: any LifelineStore) async throws {
            customers = try await store.customers()
            subscriptions = try await store.subscriptions()
            invoices = try await store.invoices()
            failures = try await store.paymentFailures()
            movements = try await store.movements()
            cases = try await store.cases(status: nil, category: nil)
            actions = try await store.actions(status: nil)
            var details: [CaseDetail?] = []
            for recoveryCase in cases { details.append(try await store.caseDetail(id: recoveryCase.id)) }
            self.details = details
        }
    }

    static func rebuildReproducesTheProjection(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            let before = try await Recorded(store)
            #expect(before.cases.contains { $0.status == .recovered && $0.attributedActionKind == .financingOffer })
            #expect(before.cases.count >= 2)
            let snapshot = try await store.rebuildSnapshot(until: .max)

            let seen = Mutex<[RebuildProgress]>([])
            let run = try await store.rebuild(now: Samples.bakeryFailure + 86_400) { progress in seen.withLock { $0.append(progress) } }
            let logged = try await store.storedEvents().count
            #expect(run == RebuildRun(events: logged, failedEvents: 0, partnerCallbacks: 2, casesNoLongerOpened: 0))
            #expect(seen.withLock { $0.last } == RebuildProgress(done: logged, total: logged))

            // Exactly as built event by event: the ledger, the cases (the partner's funding and
            // the outbox's "acting" included), every action and every timeline entry.
            let after = try await Recorded(store)
            #expect(after == before)
            let summary = RebuildSummary.compare(before: snapshot, after: try await store.rebuildSnapshot(until: .max), run: run, now: Samples.bakeryFailure)
            #expect(summary.isUnchanged)
            #expect(!summary.nrr.isEmpty)
            #expect(summary.nrr.allSatisfy { $0.before == $0.after })
            // The projector is at the end of the log: nothing applied twice afterwards.
            #expect(try await store.projectionStatus(now: Samples.bakeryFailure) == ProjectionStatus(lagEvents: 0, lagSeconds: 0, failures: 0))
            #expect(try await store.project(limit: 100, now: Samples.bakeryFailure).isEmpty)
            #expect(try await Recorded(store) == before)
        }
    }

    static func rebuildAppliesAnEditedReasonCodeTable(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            let before = try await Recorded(store)
            let snapshot = try await store.rebuildSnapshot(until: .max)
            let bakeryCase = try #require(before.cases.first { $0.customerID == "boulangerie" || $0.attributedActionKind == .financingOffer })
            #expect(bakeryCase.category == .cashFlow)
            let cashFlowFailures = before.failures.filter { $0.category == .cashFlow && $0.codes.declineCode == "insufficient_funds" }.count
                + before.failures.filter { $0.category == .cashFlow && $0.codes.declineCode == nil && $0.codes.failureCode == "insufficient_funds" }.count
            #expect(cashFlowFailures >= 1)

            // The operator decides insufficient funds are technical after all, and rebuilds.
            var table = database.reasonCodes
            table.declineCodes["insufficient_funds"] = .technical
            table.failureCodes["insufficient_funds"] = .technical
            let edited = try await database.open(reasonCodes: table)
            let now = Samples.bakeryFailure + 86_400
            let run = try await edited.rebuild(now: now) { _ in }
            let after = try await Recorded(edited)
            let summary = RebuildSummary.compare(before: snapshot, after: try await edited.rebuildSnapshot(until: .max), run: run, now: now)

            #expect(summary.reclassified == [RebuildSummary.Reclassification(from: .cashFlow, to: .technical, count: cashFlowFailures)])
            #expect(summary.failuresAdded == 0 && summary.failuresRemoved == 0)
            #expect(summary.movementsAdded == 0 && summary.movementsRemoved == 0)
            #expect(summary.casesChanged >= 1)
            let rebuiltCase = try #require(after.cases.first { $0.id == bakeryCase.id })
            #expect(rebuiltCase.category == .technical)
            // What happened stays: funded by the partner, attributed to its offer, acting since the delivery.
            #expect(rebuiltCase.status == .recovered)
            #expect(rebuiltCase.attributedActionID == bakeryCase.attributedActionID)
            #expect(rebuiltCase.actingAt == bakeryCase.actingAt)
            // Nothing planned, cancelled or sent: the actions are the recorded ones.
            #expect(after.actions == before.actions)
            #expect(after.movements == before.movements)
            let detail = try #require(try await edited.caseDetail(id: bakeryCase.id))
            let previous = try #require(before.details.compactMap { $0 }.first { $0.recoveryCase.id == bakeryCase.id })
            #expect(detail.timeline.count == previous.timeline.count + 1)
            #expect(detail.timeline.contains { $0.kind == "rebuild" && $0.summary.contains("category cash_flow → technical") })
            #expect(Array(detail.timeline.filter { $0.kind != "rebuild" }) == previous.timeline)
        }
    }

    static func rebuildKeepsCasesTheLogNoLongerOpens(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            let before = try await Recorded(store)
            // An operator erases the failure events' bodies from the log (a normalizer fix that
            // drops them): the cases they opened keep their rows, closed, with their actions.
            try await database.execute("UPDATE events SET normalized = NULL WHERE type IN ('payment.failed', 'payment.charged_back', 'dispute.opened')")
            let run = try await store.rebuild(now: Samples.bakeryFailure + 86_400) { _ in }
            let after = try await Recorded(store)
            #expect(run.casesNoLongerOpened == before.cases.count)
            #expect(after.failures.isEmpty)
            #expect(Set(after.cases.map(\.id)) == Set(before.cases.map(\.id)))
            for old in before.cases {
                let kept = try #require(after.cases.first { $0.id == old.id })
                #expect(kept.status == (old.status.isTerminal ? old.status : .closed))
            }
            #expect(after.actions == before.actions)
        }
    }
}

extension Conformance {
    /// `rebuild --online`: webhooks are appended and projected while the rebuild runs (half of
    /// them while it rebuilds, so it must catch up with what the live projector applied); the
    /// result equals a store that saw the same events and no rebuild.
    static func onlineRebuildBesideALiveProjectorMatchesNoRebuild(_ kind: StoreKind) async throws {
        // Two more customers' histories, a lost case among them, logged as imported history.
        let later = try Samples.demo("studio") + Samples.demo("garage")
        #expect(later.count >= 20)
        var reference: Recorded?
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            for delivery in later { _ = try await store.append(delivery, origin: .import) }
            _ = try await store.projectAll(now: Samples.bakeryFailure)
            reference = try await Recorded(store)
        }
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            let before = try await Recorded(store)
            let half = later.count / 2
            let firstHalfIn = DispatchSemaphore(value: 0)
            let waited = Mutex(false)
            async let appended: Void = {
                for (index, delivery) in later.enumerated() {
                    _ = try await store.append(delivery, origin: .import)
                    // On PostgreSQL the rebuild holds the projector: this batch is then `busy`.
                    _ = try await store.project(limit: 100, now: Samples.bakeryFailure)
                    if index + 1 == half { firstHalfIn.signal() }
                }
            }()
            let run = try await store.rebuildOnline(now: Samples.bakeryFailure + 86_400) { _ in
                // The first progress report: the rebuild has begun; the first half comes in now.
                let first = waited.withLock { done in defer { done = true }; return !done }
                if first { _ = firstHalfIn.wait(timeout: .now() + 60) }
            }
            try await appended
            _ = try await store.projectAll(now: Samples.bakeryFailure)
            #expect(run.failedEvents == 0)
            #expect(run.events >= before.cases.count)
            #expect(try await store.projectionStatus(now: Samples.bakeryFailure).lagEvents == 0)
            let after = try await Recorded(store)
            #expect(after == reference)
            #expect(after.actions == before.actions)
        }
    }
}
