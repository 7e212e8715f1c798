import Dispatch
import Foundation
import GRDB
import LifelineCore
import LifelineStore
@testable import LifelineStoreSQLite
import Synchronization
import Testing

/// Group commit: concurrent deliveries share one transaction (a failing one is rolled back alone), and
/// none is acknowledged before that transaction commits.
@Suite("Group commit of webhook deliveries", .serialized)
struct GroupCommitTests {
    @Test("deliveries queued together commit in one transaction: duplicates once, a failing one alone")
    func batchSemantics() async throws {
        let store = try await ServerFixture.make().store
        // A delivery whose event row cannot be written fails inside the batch, after its
        // delivery row and ledger changes were made: the batch is run again with savepoints, which
        // undo them alone.
        try await store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.eventID = 'evt_poison'
                BEGIN SELECT RAISE(ABORT, 'poisoned event'); END
                """)
        }
        let gate = WriterGate()
        let blocker = Task { try await gate.hold(store) }
        try await Self.waitUntil { gate.isHeld }

        // The writer connection is busy, so everything submitted now queues for the next transaction.
        let first = Task { try await store.ingest(Self.delivery("evt_first", customer: "cus_first")) }
        try await Self.waitUntil { store.writer.pendingCount == 1 }
        var deliveries = (0..<16).map { Self.delivery("evt_\($0)", customer: "cus_\($0)") }
        deliveries += [Self.delivery("evt_dup", customer: "cus_dup"), Self.delivery("evt_dup", customer: "cus_dup")]
        deliveries.append(Self.delivery("evt_poison", customer: "cus_poison"))
        let acknowledged = Tally()
        let tasks = deliveries.map { delivery in
            Task { () -> Result<IngestResult, any Error> in
                let result: Result<IngestResult, any Error>
                do {
                    result = .success(try await store.ingest(delivery))
                } catch {
                    result = .failure(error)
                }
                acknowledged.add()
                // Acknowledged means committed: a fresh read sees the event at once.
                if case .success(let ingest) = result, let id = ingest.stored.first {
                    let visible = (try? await store.storedEvents().contains { $0.eventID == id }) ?? false
                    #expect(visible, "\(id) acknowledged but not readable")
                }
                return result
            }
        }
        try await Self.waitUntil { store.writer.pendingCount == deliveries.count + 1 }
        #expect(acknowledged.count == 0)
        #expect(store.writer.statistics.transactions == 0)

        gate.release()
        try await blocker.value
        #expect(try await first.value.stored == ["evt_first"])
        var results: [Result<IngestResult, any Error>] = []
        for task in tasks { results.append(await task.value) }

        for (index, result) in results.prefix(16).enumerated() {
            #expect((try? result.get().stored) == ["evt_\(index)"])
        }
        let dupes = try results[16...17].map { try $0.get() }
        #expect(dupes.flatMap(\.stored) == ["evt_dup"])
        #expect(dupes.flatMap(\.duplicates) == ["evt_dup"])
        #expect(throws: (any Error).self) { try results[18].get() }

        let statistics = store.groupCommitStatistics
        #expect(statistics.transactions == 1)
        #expect(statistics.largestBatch == deliveries.count + 1)
        let events = try await store.storedEvents().map(\.eventID)
        #expect(events.count == 18)
        #expect(!events.contains("evt_poison"))
        #expect(try await store.deliveries().count == 18)
        #expect(try await !store.customers().contains { $0.id == "cus_poison" })
        #expect(try await store.customers().count == 18)
    }

    @Test("many concurrent ingests are all stored, in fewer transactions than deliveries")
    func concurrentIngests() async throws {
        let store = try await ServerFixture.make().store
        // The writer is held while the 200 arrive, so they are all waiting at once: the load is
        // concurrent by construction, not by the scheduler's luck.
        let gate = WriterGate()
        let blocker = Task { try await gate.hold(store) }
        try await Self.waitUntil { gate.isHeld }
        let ingests = Task {
            try await withThrowingTaskGroup(of: IngestResult.self) { group in
                for index in 0..<200 {
                    group.addTask { try await store.ingest(Self.delivery("evt_c\(index)", customer: "cus_c\(index % 20)")) }
                }
                var results: [IngestResult] = []
                for try await result in group { results.append(result) }
                return results
            }
        }
        try await Self.waitUntil { store.writer.pendingCount == 200 }
        gate.release()
        try await blocker.value
        let results = try await ingests.value
        #expect(results.flatMap(\.stored).count == 200)
        #expect(try await store.storedEvents().count == 200)
        let statistics = store.groupCommitStatistics
        #expect(statistics.writes == 200)
        // One transaction per delivery would be 200: group commit must have shared them.
        #expect(statistics.transactions < statistics.writes, "\(statistics.transactions) transactions for \(statistics.writes) deliveries")
        #expect(statistics.largestBatch == 200)
        // The writer's time is accounted in parts of its busy turns (no bound on how long they took).
        #expect(statistics.statements + statistics.commit <= statistics.busy)
        #expect(statistics.onCPU <= statistics.busy)
    }

    /// One generic subscription event in its own delivery.
    static func delivery(_ id: String, customer: String) -> IncomingDelivery {
        let event = GenericEvents.subscription(id: id, customer: customer, at: 1_763_000_000, items: [
            SubscriptionItem(unitAmount: 4_900, interval: .month),
        ])
        return IncomingDelivery(
            provider: .standard, receivedAt: ServerFixture.now, headers: [:], body: GenericEvents.json(event),
            events: [ProviderEvent(id: id, providerType: event.type.rawValue, occurredAt: event.occurredAt, normalized: event)]
        )
    }

    /// Polls a condition (bounded); this waits for a state, it does not time anything.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<2_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("condition not reached")
    }
}

/// Counts acknowledgements across tasks.
final class Tally: Sendable {
    private let value = Atomic(0)
    var count: Int { value.load(ordering: .sequentiallyConsistent) }
    func add() { value.add(1, ordering: .sequentiallyConsistent) }
}

/// Holds the store's single writer connection busy until released, so the test decides what
/// the group-commit writer finds queued.
final class WriterGate: Sendable {
    private let held = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    func hold(_ store: SQLiteStore) async throws {
        try await store.pool.writeWithoutTransaction { [self] _ in
            held.withLock { $0 = true }
            semaphore.wait()
        }
    }

    var isHeld: Bool { held.withLock { $0 } }

    func release() { semaphore.signal() }
}
