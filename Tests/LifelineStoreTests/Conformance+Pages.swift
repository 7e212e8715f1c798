import Foundation
import LifelineCore
import LifelineStore
import Testing

/// The paged lists, alike on both stores: newest first with the id breaking ties, pages that
/// add up to the whole list, the time window, a cursor that still marks its place once its
/// item no longer matches the filter, and an unknown cursor refused.
extension Conformance {
    /// Five customers failing at two instants (ties), one later: cases and actions to page.
    static func casesToPage(_ store: any LifelineStore) async throws -> [Int64] {
        let times: [Int64] = [start, start, start, start + 100, start + 200]
        for (index, time) in times.enumerated() {
            let customer = "cus_page_\(index)"
            _ = try await store.ingest(try Samples.subscriptionCreated(
                id: "evt_sub_\(index)", customer: customer, subscription: "sub_\(index)", amount: 4_900, at: time - 1_000
            ))
        }
        for (index, time) in times.enumerated() {
            _ = try await store.ingest(try Samples.paymentFailed(
                id: "evt_fail_\(index)", customer: "cus_page_\(index)", subscription: "sub_\(index)", invoice: "in_\(index)", amount: 4_900, at: time
            ))
        }
        return times
    }

    /// Every page of a list, in order, each page at most `limit` long.
    static func allPages<Item>(limit: Int, _ read: (PageRequest) async throws -> Page<Item>, id: (Item) -> String) async throws -> [Item] {
        var items: [Item] = []
        var request = PageRequest(limit: limit)
        for _ in 0..<1_000 {
            let page = try await read(request)
            #expect(page.items.count <= limit)
            items += page.items
            guard page.hasMore, let last = page.items.last else { return items }
            #expect(page.items.count == limit)
            request.startingAfter = id(last)
        }
        Issue.record("the list never ended")
        return items
    }

    static func listsPageNewestFirstAlike(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            let times = try await casesToPage(store)
            let everything = try await store.cases(status: nil, category: nil, page: .everything)
            #expect(everything.hasMore == false)
            let cases = everything.items
            #expect(cases.count == times.count)
            #expect(cases.map(\.id) == cases.sorted { ($0.openedAt, $0.id) > ($1.openedAt, $1.id) }.map(\.id))
            #expect(cases.first?.customerID == "cus_page_4")
            #expect(try await store.cases(status: nil, category: nil) == cases)
            for limit in [1, 2, 3, 5, 6] {
                let paged = try await allPages(limit: limit, { try await store.cases(status: nil, category: nil, page: $0) }, id: \.id)
                #expect(paged == cases, "limit \(limit)")
            }
            let exact = try await store.cases(status: nil, category: nil, page: PageRequest(limit: cases.count))
            #expect(exact.items == cases)
            #expect(exact.hasMore == false)

            // The window is [from, to) on the opening time; it composes with the cursor.
            let window = PageRequest(limit: 10, from: start, to: start + 200)
            let inWindow = try await store.cases(status: nil, category: nil, page: window)
            #expect(inWindow.items == cases.filter { $0.openedAt >= start && $0.openedAt < start + 200 })
            var second = window
            second.limit = 2
            second.startingAfter = inWindow.items[1].id
            #expect(try await store.cases(status: nil, category: nil, page: second).items == Array(inWindow.items.dropFirst(2).prefix(2)))
            #expect(try await store.cases(status: nil, category: nil, page: PageRequest(from: start + 300)).items.isEmpty)
            #expect(try await store.cases(status: nil, category: .cashFlow, page: PageRequest(limit: 2)).items == Array(cases.filter { $0.category == .cashFlow }.prefix(2)))

            // A cursor whose item left the filter (its case moved on) still marks the place.
            let open = try await store.cases(status: .open, category: nil, page: PageRequest(limit: 2))
            #expect(open.hasMore)
            let marker = try #require(open.items.last)
            try await database.execute("UPDATE cases SET status = 'lost' WHERE id = '\(marker.id)'")
            let rest = try await store.cases(status: .open, category: nil, page: PageRequest(startingAfter: marker.id))
            #expect(rest.items.map(\.id) == cases.map(\.id).drop { $0 != marker.id }.dropFirst().map { $0 })

            await #expect(throws: UnknownCursor("case_nope")) {
                try await store.cases(status: nil, category: nil, page: PageRequest(startingAfter: "case_nope"))
            }

            // Actions: newest created first; the full list (oldest first) reversed.
            let actions = try await store.actions(status: nil, page: .everything).items
            #expect(actions.count >= times.count)
            #expect(actions.map(\.id) == actions.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.map(\.id))
            #expect(try await store.actions(status: nil) == actions.reversed())
            for limit in [1, 4] {
                #expect(try await allPages(limit: limit, { try await store.actions(status: nil, page: $0) }, id: \.id) == actions)
            }
            let pending = try await allPages(limit: 2, { try await store.actions(status: .pending, page: $0) }, id: \.id)
            #expect(pending == actions.filter { $0.status == .pending })
            let late = actions.filter { $0.createdAt >= start + 100 }
            #expect(try await store.actions(status: nil, page: PageRequest(from: start + 100)).items == late)
            await #expect(throws: UnknownCursor("act_nope")) {
                try await store.actions(status: nil, page: PageRequest(startingAfter: "act_nope"))
            }

            // Customers' names for the exports.
            #expect(try await store.customerNames(ids: ["cus_page_0", "cus_page_4", "cus_nope"]) == [
                "cus_page_0": "Customer cus_page_0", "cus_page_4": "Customer cus_page_4",
            ])
            #expect(try await store.customerNames(ids: []).isEmpty)
        }
    }

    static func attemptsAndFailuresPageAlike(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            _ = try await casesToPage(store)
            // Whatever the playbook planned first, claimed once everything is due.
            let offer = try #require(try await store.claimDueActions(now: start + 90 * 86_400, limit: 1, leaseSeconds: 60).first)
            // Three tries, then sent back and tried again: attempt numbers repeat, ids do not.
            for (index, outcome) in [DeliveryOutcomeKind.retry, .retry, .dead].enumerated() {
                try await store.recordAttempt(
                    DeliveryAttempt(actionID: offer.id, attempt: index + 1, startedAt: start + 1_000 + Int64(index) * 60, latencyMilliseconds: 10,
                                    httpStatus: outcome == .dead ? 422 : 503, outcome: outcome, error: "HTTP \(outcome == .dead ? 422 : 503)"),
                    nextAttemptAt: outcome == .dead ? nil : start + 1_000, lastError: "HTTP"
                )
                if outcome != .dead { _ = try await store.claimDueActions(now: start + 10_000, limit: 100, leaseSeconds: 60) }
            }
            _ = try await store.retryAction(id: offer.id, now: start + 2_000)
            _ = try await store.claimDueActions(now: start + 2_000, limit: 100, leaseSeconds: 60)
            try await store.recordAttempt(
                DeliveryAttempt(actionID: offer.id, attempt: 1, startedAt: start + 2_000, latencyMilliseconds: 10, httpStatus: 201, outcome: .delivered, error: nil),
                nextAttemptAt: nil, lastError: nil
            )
            let all = try #require(try await store.attempts(actionID: offer.id, page: .everything))
            #expect(all.items.map(\.attempt.attempt) == [1, 3, 2, 1])
            #expect(all.items.map(\.id) == all.items.map(\.id).sorted(by: >))
            #expect(Set(all.items.map(\.id)).count == 4)
            #expect(try await store.attempts(actionID: offer.id) == all.items.reversed().map(\.attempt))
            for limit in [1, 3] {
                let paged = try await allPages(limit: limit, { try #require(try await store.attempts(actionID: offer.id, page: $0)) }, id: { String($0.id) })
                #expect(paged == all.items)
            }
            let window = try #require(try await store.attempts(actionID: offer.id, page: PageRequest(from: start + 1_060, to: start + 2_000)))
            #expect(window.items.map(\.attempt.startedAt) == [start + 1_120, start + 1_060])
            #expect(try await store.attempts(actionID: "act_nope", page: .everything) == nil)
            await #expect(throws: UnknownCursor("999999")) {
                try await store.attempts(actionID: offer.id, page: PageRequest(startingAfter: "999999"))
            }

            // Projection failures: three events left undecodable, newest (highest seq) first.
            let deliveries = (0..<3).map { index in
                try! Samples.subscriptionCreated(id: "evt_bad_\(index)", customer: "cus_bad_\(index)", subscription: "sub_bad_\(index)", amount: 100, at: start + 5_000 + Int64(index))
            }
            for delivery in deliveries { _ = try await store.append(delivery, origin: .live) }
            let seqs = try await store.storedEvents().filter { $0.eventID.hasPrefix("evt_bad_") }.map(\.seq)
            try await database.execute("UPDATE events SET normalized = '{\"broken\": true}' WHERE seq IN (\(seqs.map(String.init).joined(separator: ",")))")
            try await store.projectAll(now: start + 6_000)
            let failures = try await store.projectionFailures(page: .everything).items
            #expect(failures.map(\.seq) == seqs.sorted(by: >))
            #expect(try await allPages(limit: 2, { try await store.projectionFailures(page: $0) }, id: { String($0.seq) }) == failures)
            #expect(try await store.projectionFailures(page: PageRequest(limit: 1, startingAfter: String(seqs.max()!))).items.map(\.seq) == [seqs.sorted(by: >)[1]])
            #expect(try await store.projectionFailures(page: PageRequest(from: start + 6_001)).items.isEmpty)
            await #expect(throws: UnknownCursor("999999")) {
                try await store.projectionFailures(page: PageRequest(startingAfter: "999999"))
            }
        }
    }
}
