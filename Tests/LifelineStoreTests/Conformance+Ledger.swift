import LifelineCore
import LifelineStore
import Testing

/// The store under test against a reference SQLite store fed exactly the same deliveries and
/// outbox results: every row any API returns must be the same.
extension Conformance {
    /// Delivers everything due at `now` in id order, as a dispatcher whose peer always answers 201.
    @discardableResult
    static func deliverDue(_ store: any LifelineStore, now: Int64) async throws -> [String] {
        let claimed = try await store.claimDueActions(now: now, limit: 1_000, leaseSeconds: 60).sorted { $0.id < $1.id }
        for action in claimed {
            try await store.recordAttempt(
                DeliveryAttempt(actionID: action.id, attempt: action.attempts + 1, startedAt: now, latencyMilliseconds: 12, httpStatus: 201, outcome: .delivered, error: nil),
                nextAttemptAt: nil, lastError: nil
            )
        }
        return claimed.map(\.id)
    }

    /// Feeds the deliveries in order, delivering what is due after each one.
    static func play(_ deliveries: [IncomingDelivery], on store: any LifelineStore) async throws -> [IngestResult] {
        var results: [IngestResult] = []
        for delivery in deliveries {
            results.append(try await store.ingest(delivery))
            try await deliverDue(store, now: delivery.receivedAt)
        }
        return results
    }

    /// Only for a store that is not SQLite: the reference is SQLite.
    static func ledgerAndRecoveryMatchTheSQLiteReference(against kind: StoreKind) async throws {
        precondition(kind != .sqlite, "SQLite compared with a SQLite reference cannot fail")
        let deliveries = try Samples.deliveries("standard") + Samples.deliveries("demo")
        try await withDatabase(.sqlite) { referenceDatabase in
            let reference = try await referenceDatabase.open()
            try await withDatabase(kind) { database in
                let store = try await database.open()
                let expectedResults = try await play(deliveries, on: reference)
                #expect(try await play(deliveries, on: store) == expectedResults)
                try await expectSameLedger(store, reference)
                try await expectSameRecoveryLog(store, reference)
                try await expectSameReportInput(store, reference, until: .max)
                try await expectSameReportInput(store, reference, until: 1_788_000_000)
            }
        }
    }

    static func expectSameLedger(_ store: any LifelineStore, _ reference: any LifelineStore) async throws {
        #expect(try await store.customers() == reference.customers())
        #expect(try await store.subscriptions() == reference.subscriptions())
        #expect(try await store.invoices() == reference.invoices())
        #expect(try await store.paymentFailures() == reference.paymentFailures())
        #expect(try await store.movements() == reference.movements())
        #expect(try await store.summary() == reference.summary())
        let summary = try await store.summary()
        #expect(summary.events > 50)
        #expect(summary.ignoredEvents == 1)
        // Delivery row ids are the store's own business; everything else must match.
        func withoutDeliveryIDs(_ events: [StoredEvent]) -> [StoredEvent] {
            events.map { var event = $0; event.deliveryID = 0; return event }
        }
        #expect(withoutDeliveryIDs(try await store.storedEvents()) == withoutDeliveryIDs(try await reference.storedEvents()))
    }

    static func expectSameRecoveryLog(_ store: any LifelineStore, _ reference: any LifelineStore) async throws {
        let cases = try await reference.cases(status: nil, category: nil)
        #expect(cases.count >= 4)
        #expect(try await store.cases(status: nil, category: nil) == cases)
        #expect(try await store.cases(status: .recovered, category: nil) == reference.cases(status: .recovered, category: nil))
        #expect(try await store.cases(status: nil, category: .cashFlow) == reference.cases(status: nil, category: .cashFlow))
        #expect(try await store.actions(status: nil) == reference.actions(status: nil))
        #expect(try await store.actions(status: .cancelled) == reference.actions(status: .cancelled))
        for recoveryCase in cases {
            let detail = try await store.caseDetail(id: recoveryCase.id)
            #expect(detail == (try await reference.caseDetail(id: recoveryCase.id)))
            #expect(detail?.timeline.isEmpty == false)
        }
        for customer in try await reference.customers() {
            #expect(try await store.customerDetail(id: customer.id) == reference.customerDetail(id: customer.id))
        }
        for action in try await reference.actions(status: .delivered) {
            #expect(try await store.attempts(actionID: action.id) == reference.attempts(actionID: action.id))
        }
        #expect(try await store.caseDetail(id: "case_nope") == nil)
        #expect(try await store.customerDetail(id: "cus_nope") == nil)
    }

    static func expectSameReportInput(_ store: any ReportSource, _ reference: any ReportSource, until: Int64) async throws {
        let input = try await store.reportInput(until: until)
        let expected = try await reference.reportInput(until: until)
        #expect(input.movements == expected.movements)
        #expect(input.customers.sorted { $0.id < $1.id } == expected.customers.sorted { $0.id < $1.id })
        #expect(input.cases == expected.cases)
        #expect(input.deliveredActionKinds == expected.deliveredActionKinds)
        #expect(input.failureTimes.sorted() == expected.failureTimes.sorted())
        #expect(!input.movements.isEmpty)
    }
}
