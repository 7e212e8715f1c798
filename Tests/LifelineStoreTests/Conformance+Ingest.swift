import LifelineCore
import LifelineStore
import LifelineStorePostgres
import Testing

/// Shared bodies of the conformance tests: each runs the same checks on either store.
enum Conformance {
    static let start: Int64 = 1_780_000_000

    /// Runs `count` operations at once, spread round-robin over `stores` (several instances).
    static func concurrently<T: Sendable>(
        _ count: Int, over stores: [any LifelineStore & ReportSource],
        _ operation: @escaping @Sendable (any LifelineStore & ReportSource, Int) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for index in 0..<count {
                let store = stores[index % stores.count]
                group.addTask { try await operation(store, index) }
            }
            var results: [T] = []
            for try await result in group { results.append(result) }
            return results
        }
    }

    static func ingestStoresEachEventOnce(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let first = try Samples.subscriptionCreated(id: "evt_1", customer: "cus_a", subscription: "sub_a", amount: 4_900, at: start)
            let stored = try await store.ingest(first)
            #expect(stored.stored == ["evt_1"])
            #expect(stored.duplicates.isEmpty)
            let again = try await store.ingest(first)
            #expect(again.stored.isEmpty)
            #expect(again.duplicates == ["evt_1"])

            // One body repeating an event, with a type Lifeline does not act on.
            let second = try Samples.subscriptionCreated(id: "evt_2", customer: "cus_a", subscription: "sub_b", amount: 1_000, at: start + 60)
            let unknown = ProviderEvent(id: "evt_note", providerType: "customer.note_added", occurredAt: start + 61, normalized: nil)
            var batch = second
            batch.events = [second.events[0], second.events[0], unknown]
            let mixed = try await store.ingest(batch)
            #expect(mixed.stored == ["evt_2"])
            #expect(mixed.duplicates == ["evt_2"])
            #expect(mixed.ignored == ["evt_note"])

            let summary = try await store.summary()
            #expect(summary.events == 3)
            #expect(summary.ignoredEvents == 1)
            #expect(summary.customers == 1)
            #expect(summary.mrrByCurrency == ["eur": 5_900])
            #expect(summary.movementsByKind == ["new": 1, "expansion": 1])
            let events = try await store.storedEvents()
            #expect(events.map(\.eventID) == ["evt_1", "evt_2", "evt_note"])
            #expect(events.first?.normalized == first.events[0].normalized)
            #expect(events.last?.type == nil)
            #expect(events.last?.providerType == "customer.note_added")
        }
    }

    static func concurrentDuplicatesAreStoredOnce(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let instances = [try await database.open(), try await database.open()]
            _ = try await instances[0].ingest(try Samples.subscriptionCreated(id: "evt_sub", customer: "cus_dup", subscription: "sub_dup", amount: 4_900, at: start))
            let failure = try Samples.paymentFailed(id: "evt_fail", customer: "cus_dup", subscription: "sub_dup", invoice: "in_dup", amount: 4_900, at: start + 86_400)
            let results = try await concurrently(8, over: instances) { store, _ in try await store.ingest(failure) }
            #expect(results.filter { $0.stored == ["evt_fail"] }.count == 1)
            #expect(results.filter { $0.duplicates == ["evt_fail"] && $0.stored.isEmpty }.count == 7)
            #expect(try await instances[1].storedEvents().count == 2)
            #expect(try await instances[1].paymentFailures().count == 1)
            let cases = try await instances[1].cases(status: nil, category: nil)
            #expect(cases.count == 1)
            let actions = try await instances[0].actions(status: nil)
            #expect(!actions.isEmpty)
            #expect(Set(actions.map(\.id)).count == actions.count)
            #expect(actions.allSatisfy { $0.caseID == cases.first?.id })
        }
    }

    /// Ten subscriptions of one customer created at once on two instances: each movement must
    /// start where the previous one ended, which only holds if they were applied one at a time.
    static func concurrentEventsOfOneCustomerKeepEveryUpdate(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let instances = [try await database.open(), try await database.open()]
            let deliveries = try (0..<10).map { index in
                try Samples.subscriptionCreated(
                    id: "evt_sub_\(index)", customer: "cus_busy", subscription: "sub_busy_\(index)", amount: Int64(1_000 * (index + 1)), at: start
                )
            }
            let results = try await concurrently(deliveries.count, over: instances) { store, index in try await store.ingest(deliveries[index]) }
            #expect(results.allSatisfy { $0.stored.count == 1 })
            let movements = try await instances[0].movements()
            #expect(movements.count == 10)
            #expect(movements.first?.mrrBefore == 0)
            #expect(movements.last?.mrrAfter == 55_000)
            for (previous, next) in zip(movements, movements.dropFirst()) {
                #expect(next.mrrBefore == previous.mrrAfter)
            }
            #expect(movements.filter { $0.kind == .new }.count == 1)
            #expect(try await instances[1].summary().mrrByCurrency == ["eur": 55_000])
        }
    }

    static func migrateIsRepeatableAndConcurrent(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let first = try await database.open(migrate: false)
            let second = try await database.open(migrate: false)
            async let one: Void = first.migrate()
            async let two: Void = second.migrate()
            _ = try await (one, two)
            try await first.migrate()
            try await second.ping()
            #expect(try await second.summary().events == 0)
            if let postgres = first as? PostgresStore {
                #expect(try await postgres.appliedMigrations() == ["v1-events-and-ledger", "v2-recovery", "v3-outbox-claim-indexes", "v4-event-log", "v5-serving-instances", "v6-raw-retention-and-erasure"])
            }
        }
    }
}
