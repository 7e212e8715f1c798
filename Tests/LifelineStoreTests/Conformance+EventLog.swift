import LifelineCore
import LifelineStore
import Testing

/// The event log: appends are acknowledged before anything is applied; the projector applies
/// in log order, records a failing event and goes on; origins decide what may act.
extension Conformance {
    static func appendLogsAndProjectorApplies(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let created = try Samples.subscriptionCreated(id: "evt_1", customer: "cus_a", subscription: "sub_a", amount: 4_900, at: start)
            let upgraded = try Samples.subscriptionCreated(id: "evt_2", customer: "cus_a", subscription: "sub_b", amount: 1_000, at: start + 60)
            #expect(try await store.append(created, origin: .live).stored == ["evt_1"])
            #expect(try await store.append(upgraded, origin: .replay).stored == ["evt_2"])
            #expect(try await store.append(created, origin: .live).duplicates == ["evt_1"])

            // Logged, not applied yet: the ledger is empty and the lag counts both.
            let logged = try await store.storedEvents()
            #expect(logged.map(\.eventID) == ["evt_1", "evt_2"])
            #expect(logged.map(\.origin) == [.live, .replay])
            #expect(logged[0].seq < logged[1].seq)
            #expect(try await store.summary().customers == 0)
            let lagging = try await store.projectionStatus(now: start + 100)
            #expect(lagging == ProjectionStatus(lagEvents: 2, lagSeconds: 100, failures: 0))

            // One event per batch: the first batch applies the first event only.
            #expect(try await store.project(limit: 1, now: start + 100) == ProjectionBatch(applied: 1))
            #expect(try await store.summary().mrrByCurrency == ["eur": 4_900])
            #expect(try await store.projectionStatus(now: start + 100).lagEvents == 1)
            #expect(try await store.project(limit: 10, now: start + 100) == ProjectionBatch(applied: 1))
            #expect(try await store.project(limit: 10, now: start + 100).isEmpty)
            #expect(try await store.summary().mrrByCurrency == ["eur": 5_900])
            #expect(try await store.projectionStatus(now: start + 200) == ProjectionStatus(lagEvents: 0, lagSeconds: 0, failures: 0))
        }
    }

    static func failingEventIsRecordedSkippedAndRetried(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let deliveries = [
                try Samples.subscriptionCreated(id: "evt_a", customer: "cus_a", subscription: "sub_a", amount: 4_900, at: start),
                try Samples.subscriptionCreated(id: "evt_b", customer: "cus_b", subscription: "sub_b", amount: 2_000, at: start + 1),
                try Samples.subscriptionCreated(id: "evt_c", customer: "cus_c", subscription: "sub_c", amount: 1_000, at: start + 2),
            ]
            for delivery in deliveries { _ = try await store.append(delivery, origin: .live) }
            let seqB = try #require(try await store.storedEvents().first { $0.eventID == "evt_b" }?.seq)
            // What a faulty release could leave behind: a normalized event that no longer decodes.
            try await database.execute("UPDATE events SET normalized = '{\"broken\": true}' WHERE seq = \(seqB)")

            let batch = try await store.project(limit: 10, now: start + 10)
            #expect(batch.applied == 2)
            #expect(batch.failed == 1)
            // The events around it are applied; the failure is listed, not blocking.
            #expect(Set(try await store.customers().map(\.id)) == ["cus_a", "cus_c"])
            let failures = try await store.projectionFailures()
            #expect(failures.count == 1)
            let failure = try #require(failures.first)
            #expect(failure.seq == seqB)
            #expect(failure.eventID == "evt_b")
            #expect(failure.provider == "standard")
            #expect(failure.attempts == 1)
            #expect(failure.failedAt == start + 10)
            #expect(!failure.error.isEmpty)
            #expect(try await store.projectionStatus(now: start + 10) == ProjectionStatus(lagEvents: 0, lagSeconds: 0, failures: 1))
            #expect(try await store.project(limit: 10, now: start + 10).isEmpty)

            // Still broken: it fails again and stays listed.
            guard case .failedAgain = try await store.retryProjection(seq: seqB, now: start + 20) else {
                Issue.record("a retry of a still-broken event must fail again")
                return
            }
            #expect(try await store.projectionFailures().first?.attempts == 2)
            // Fixed: the retry applies it and the list empties.
            let original = try #require(deliveries[1].events[0].normalized).jsonText()
            try await database.execute("UPDATE events SET normalized = '\(original)' WHERE seq = \(seqB)")
            #expect(try await store.retryProjection(seq: seqB, now: start + 30) == .applied)
            #expect(try await store.projectionFailures().isEmpty)
            #expect(Set(try await store.customers().map(\.id)) == ["cus_a", "cus_b", "cus_c"])
            #expect(try await store.retryProjection(seq: seqB, now: start + 40) == .notFound)
            #expect(try await store.projectionStatus(now: start + 40).failures == 0)
        }
    }

    static func historyOpensCasesButPlansNoAction(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let horizon = database.policy.actionHorizonSeconds
            // Imported at the moment it happened: history all the same.
            for customer in ["imp", "late", "live"] {
                _ = try await store.ingest(try Samples.subscriptionCreated(
                    id: "evt_sub_\(customer)", customer: "cus_\(customer)", subscription: "sub_\(customer)", amount: 4_900, at: start
                ), origin: customer == "imp" ? .import : .live)
            }
            _ = try await store.ingest(try Samples.paymentFailed(
                id: "evt_fail_imp", customer: "cus_imp", subscription: "sub_imp", invoice: "in_imp", amount: 4_900, at: start + 100
            ), origin: .import)
            // Heard of just after the horizon: history too.
            var late = try Samples.paymentFailed(
                id: "evt_fail_late", customer: "cus_late", subscription: "sub_late", invoice: "in_late", amount: 4_900, at: start + 100
            )
            late.receivedAt = start + 100 + horizon + 1
            _ = try await store.ingest(late, origin: .live)
            // Heard of at the horizon: acted on.
            var live = try Samples.paymentFailed(
                id: "evt_fail_live", customer: "cus_live", subscription: "sub_live", invoice: "in_live", amount: 4_900, at: start + 100
            )
            live.receivedAt = start + 100 + horizon
            _ = try await store.ingest(live, origin: .live)

            let cases = try await store.cases(status: nil, category: nil)
            #expect(Set(cases.map(\.customerID)) == ["cus_imp", "cus_late", "cus_live"])
            let actions = try await store.actions(status: nil)
            #expect(Set(actions.map(\.customerID)) == ["cus_live"])
            #expect(!actions.isEmpty)
            for customer in ["cus_imp", "cus_late"] {
                let id = try #require(cases.first { $0.customerID == customer }?.id)
                let detail = try #require(try await store.caseDetail(id: id))
                #expect(detail.timeline.contains { $0.summary.hasPrefix("history: no action planned") }, "\(customer): \(detail.timeline)")
            }
            #expect(try await store.storedEvents().filter { $0.origin == .import }.map(\.eventID) == ["evt_sub_imp", "evt_fail_imp"])
        }
    }
}

extension Conformance {
    /// An import's chunk: several deliveries in one transaction, logged in the order given,
    /// each reporting its own duplicates.
    static func appendContentsOfLogsInOrder(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let first = try Samples.subscriptionCreated(id: "evt_1", customer: "cus_a", subscription: "sub_a", amount: 4_900, at: start)
            let second = try Samples.subscriptionCreated(id: "evt_2", customer: "cus_b", subscription: "sub_b", amount: 1_000, at: start - 60)
            let third = try Samples.subscriptionCreated(id: "evt_3", customer: "cus_c", subscription: "sub_c", amount: 2_000, at: start + 60)
            #expect(try await store.append(first, origin: .live).stored == ["evt_1"])
            let results = try await store.append(contentsOf: [third, first, second], origin: .import)
            #expect(results.map(\.stored) == [["evt_3"], [], ["evt_2"]])
            #expect(results.map(\.duplicates) == [[], ["evt_1"], []])
            let logged = try await store.storedEvents()
            #expect(logged.map(\.eventID) == ["evt_1", "evt_3", "evt_2"])
            #expect(logged.map(\.origin) == [.live, .import, .import])
            #expect(logged.map(\.seq) == logged.map(\.seq).sorted())
            #expect(try await store.append(contentsOf: [], origin: .import).isEmpty)
        }
    }
}
