import Foundation
import LifelineCore
import LifelineStore
import Testing

/// Raw-body retention and `lifeline forget`: what goes, what stays, and that a rebuild still
/// gives the same projection afterwards.
extension Conformance {
    static func rawRetentionDropsOldBodiesAndKeepsTheEvents(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            let before = try await Recorded(store)
            let events = try await store.storedEvents()
            let raw = try await store.rawDeliveries()
            // Between the bakery's history and the Standard samples played after it.
            let cutoff = Samples.bakeryFailure + 1
            let expired = raw.filter { $0.receivedAt < cutoff && !$0.provider.hasPrefix(PartnerCallbackLog.providerPrefix) }
            let partner = raw.filter { $0.provider.hasPrefix(PartnerCallbackLog.providerPrefix) }
            #expect(expired.count >= 10)
            #expect(partner.count == 2)
            #expect(raw.contains { $0.receivedAt >= cutoff && !$0.provider.hasPrefix(PartnerCallbackLog.providerPrefix) })

            let now = Samples.bakeryFailure + 90 * 86_400
            #expect(try await store.dropRawBodies(receivedBefore: cutoff, now: now) == expired.count)
            let after = try await store.rawDeliveries()
            for delivery in after {
                let original = try #require(raw.first { $0.id == delivery.id })
                if expired.contains(where: { $0.id == delivery.id }) {
                    #expect(delivery.body.isEmpty && delivery.headers == "{}")
                    #expect(delivery.droppedAt == now && delivery.dropReason == .retention)
                } else {
                    // Newer bodies, and partner callbacks (a rebuild applies them from their body), stay.
                    #expect(delivery == original)
                }
            }
            // A second pass has nothing left to drop; the normalized log is untouched.
            #expect(try await store.dropRawBodies(receivedBefore: cutoff, now: now + 3_600) == 0)
            #expect(try await store.storedEvents() == events)
            // The projection rebuilt from the normalized log alone is the same.
            let run = try await store.rebuild(now: now) { _ in }
            #expect(run.failedEvents == 0 && run.partnerCallbacks == 2)
            #expect(try await Recorded(store) == before)
        }
    }

    static func forgetErasesPersonalDataAndKeepsTheFigures(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            let before = try await Recorded(store)
            let summary = try await store.summary()
            let customerID = "cus_demo_boulangerie"
            let customer = try #require(before.customers.first { $0.id == customerID })
            let name = try #require(customer.name), email = try #require(customer.email)
            let events = try await store.storedEvents()
            let customerEvents = events.filter { $0.normalized?.customer.id == customerID }
            #expect(customerEvents.count >= 10)
            #expect(customerEvents.contains { $0.normalized?.customer.name == name })
            let raw = try await store.rawDeliveries()
            let carrying = Set(customerEvents.map(\.deliveryID))
            #expect(raw.filter { carrying.contains($0.id) }.allSatisfy { String(decoding: $0.body, as: UTF8.self).contains(customerID) })
            let actions = before.actions.filter { $0.customerID == customerID }
            #expect(actions.contains { $0.payload.contains(name) && $0.payload.contains(email) })

            let now = Samples.bakeryFailure + 86_400
            let report = try await store.forget(customerID: customerID, now: now)
            #expect(report.found)
            #expect(report.events == customerEvents.count)
            #expect(report.rawBodies == carrying.count)
            #expect(report.actions == actions.filter { $0.payload.contains(name) || $0.payload.contains(email) }.count)

            // Gone: from the ledger, the log, the raw bodies and what was sent.
            let erased = try #require(try await store.customers().first { $0.id == customerID })
            #expect(erased.name == nil && erased.email == nil)
            #expect(erased.metadata == customer.metadata.filter { $0.key == "segment" })
            #expect(erased.segment == customer.segment)
            let loggedAfter = try await store.storedEvents()
            for event in loggedAfter where event.normalized?.customer.id == customerID {
                #expect(event.normalized?.customer.name == nil && event.normalized?.customer.email == nil)
            }
            for delivery in try await store.rawDeliveries() {
                let text = String(decoding: delivery.body, as: UTF8.self)
                #expect(!text.contains(name) && !text.contains(email))
                if carrying.contains(delivery.id) {
                    #expect(delivery.body.isEmpty && delivery.dropReason == .erasure && delivery.droppedAt == now)
                } else {
                    #expect(delivery == raw.first { $0.id == delivery.id })
                }
            }
            let after = try await Recorded(store)
            for action in after.actions where action.customerID == customerID {
                #expect(!action.payload.contains(name) && !action.payload.contains(email))
                #expect(try JSONSerialization.jsonObject(with: Data(action.payload.utf8)) is [String: Any])
            }
            #expect(after.actions.contains { $0.customerID == customerID && $0.payload.contains(#""name":"[erased]""#) })

            // Stay: amounts, ids, dates, codes; every other customer; the figures.
            #expect(try await store.summary() == summary)
            #expect(after.movements == before.movements)
            #expect(after.failures == before.failures)
            #expect(after.invoices == before.invoices)
            #expect(after.cases == before.cases)
            #expect(after.customers.filter { $0.id != customerID } == before.customers.filter { $0.id != customerID })
            #expect(after.actions.map(\.id) == before.actions.map(\.id))
            #expect(loggedAfter.filter { $0.normalized?.customer.id != customerID } == events.filter { $0.normalized?.customer.id != customerID })

            // A rebuild from the erased log brings nothing back and changes no figure.
            _ = try await store.rebuild(now: now + 60) { _ in }
            let rebuilt = try await Recorded(store)
            #expect(rebuilt.customers == after.customers)
            #expect(rebuilt.movements == before.movements && rebuilt.cases == before.cases)

            // Repeatable, and an unknown customer is said so.
            let again = try await store.forget(customerID: customerID, now: now + 120)
            #expect(again.found && again.rawBodies == 0 && again.actions == 0 && again.subscriptions == 0)
            #expect(try await store.forget(customerID: "cus_nobody", now: now) == ErasureReport())

            // A customer whose events include a type Lifeline ignores (stored raw, never
            // normalized): that raw body goes too.
            let ignored = try #require(events.first { $0.normalized == nil && $0.providerType == "customer.note_added" })
            #expect(String(decoding: try #require(raw.first { $0.id == ignored.deliveryID }).body, as: UTF8.self).contains("Transports Morel SAS"))
            let morel = try await store.forget(customerID: "cus_transports_morel", now: now)
            #expect(morel.found && morel.events == 6 && morel.rawBodies == 7)
            for delivery in try await store.rawDeliveries() {
                #expect(!String(decoding: delivery.body, as: UTF8.self).contains("Morel"))
            }
        }
    }
}

extension Conformance {
    /// What `rebuild --renormalize` reads and writes: events with their kept raw bodies, in log
    /// order, and a new normalized form (and type) written back.
    static func rawEventsAndReplacedNormalizedForms(_ kind: StoreKind) async throws {
        try await withDatabase(kind) { database in
            let store = try await database.open()
            try await recordedHistory(store)
            let logged = try await store.storedEvents()
            let raw = try await store.rawDeliveries()
            var read: [RawLoggedEvent] = []
            var cursor: Int64 = 0
            while true {
                let page = try await store.rawEvents(after: cursor, limit: 5)
                guard let last = page.last else { break }
                read += page
                cursor = last.seq
            }
            // Partner callbacks are not normalized by a provider: they are left out.
            let providerEvents = logged.filter { !$0.provider.hasPrefix(PartnerCallbackLog.providerPrefix) }
            #expect(read.map(\.seq) == providerEvents.map(\.seq))
            for (row, event) in zip(read, providerEvents) {
                #expect(row.eventID == event.eventID && row.provider == event.provider && row.normalized == event.normalized)
                #expect(row.body == raw.first { $0.id == event.deliveryID }?.body)
            }
            // A dropped body is no longer offered.
            let first = try #require(providerEvents.first)
            _ = try await store.dropRawBodies(receivedBefore: first.receivedAt + 1, now: first.receivedAt + 1)
            #expect(try await store.rawEvents(after: 0, limit: 1_000).allSatisfy { $0.seq != first.seq })

            var changed = try #require(providerEvents.last { $0.normalized != nil }?.normalized)
            changed.customer.name = "Renamed by a normalizer fix"
            let target = try #require(providerEvents.last { $0.normalized != nil })
            let ignored = try #require(providerEvents.first { $0.normalized != nil && $0.seq != target.seq })
            try await store.replaceNormalized([NormalizedUpdate(seq: target.seq, normalized: changed), NormalizedUpdate(seq: ignored.seq, normalized: nil)])
            let after = try await store.storedEvents()
            #expect(after.first { $0.seq == target.seq }?.normalized == changed)
            #expect(after.first { $0.seq == target.seq }?.type == changed.type.rawValue)
            #expect(after.first { $0.seq == ignored.seq }?.normalized == nil && after.first { $0.seq == ignored.seq }?.type == nil)
            #expect(after.filter { $0.seq != target.seq && $0.seq != ignored.seq } == logged.filter { $0.seq != target.seq && $0.seq != ignored.seq })
        }
    }
}
