import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// Raw-body retention and the right to erasure on the SQLite log.
extension SQLiteStore {
    public func dropRawBodies(receivedBefore cutoff: Int64, now: Int64) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE deliveries SET body = X'', headers = '{}', droppedAt = ?, dropReason = ?
                WHERE receivedAt < ? AND droppedAt IS NULL AND provider NOT LIKE ?
                """, arguments: [now, RawDropReason.retention.rawValue, cutoff, PartnerCallbackLog.providerPrefix + "%"])
            return db.changesCount
        }
    }

    public func forget(customerID: String, now: Int64) async throws -> ErasureReport {
        try await pool.writeWithoutTransaction { db in
            // Erased text is overwritten in the file's pages too, not only unlinked.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var report = ErasureReport()
            try db.inTransaction(.immediate) {
                report = try Self.forget(customerID: customerID, now: now, in: db)
                return .commit
            }
            // The pages as they were before the erasure live on in the WAL until it restarts:
            // checkpoint and truncate it (a reader of a serving instance may hold part of it
            // back; the next checkpoint finishes the work).
            _ = try? Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return report
        }
    }

    static func forget(customerID: String, now: Int64, in db: Database) throws -> ErasureReport {
        var report = ErasureReport()
        let customer = try CustomerRecord.fetchOne(db, key: customerID)
        // The texts written from the customer's details, as the ledger last knew them.
        let values = customer.map(PersonalData.values(of:)) ?? []
        if let customer {
            report.found = true
            try db.upsertColumns(PersonalData.erase(customer))
        }
        let events = try Row.fetchAll(db, sql: """
            SELECT seq, deliveryID, normalized FROM events WHERE json_extract(normalized, '$.customer.id') = ?
            """, arguments: [customerID])
        var deliveries = Set<Int64>()
        for row in events {
            let seq: Int64 = row[0], text: String = row[2]
            deliveries.insert(row[1])
            let event = try JSONDecoder().decode(BillingEvent.self, from: Data(text.utf8))
            let erased = try PersonalData.erase(event).jsonText()
            if erased != text {
                try db.execute(sql: "UPDATE events SET normalized = ? WHERE seq = ?", arguments: [erased, seq])
            }
            report.events += 1
        }
        report.found = report.found || !events.isEmpty
        // Events of types Lifeline ignores have no normalized form: their raw bodies are searched
        // for the customer's id as a JSON string.
        var quotedID = ""
        JSONText.appendString(customerID, to: &quotedID)
        deliveries.formUnion(try Int64.fetchAll(db, sql: """
            SELECT id FROM deliveries WHERE id IN (SELECT deliveryID FROM events WHERE type IS NULL) AND instr(body, CAST(? AS BLOB)) > 0
            """, arguments: [quotedID]))
        for id in deliveries.sorted() {
            try db.execute(sql: """
                UPDATE deliveries SET body = X'', headers = '{}', droppedAt = ?, dropReason = ?
                WHERE id = ? AND (droppedAt IS NULL OR dropReason <> ?)
                """, arguments: [now, RawDropReason.erasure.rawValue, id, RawDropReason.erasure.rawValue])
            report.rawBodies += db.changesCount
        }
        for subscription in try SubscriptionRecord.filter(Column("customerID") == customerID).fetchAll(db) {
            let erased = PersonalData.erase(subscription)
            if erased != subscription {
                try db.upsertColumns(erased)
                report.subscriptions += 1
            }
        }
        if !values.isEmpty {
            for action in try RecoveryAction.filter(Column("customerID") == customerID).fetchAll(db) {
                let payload = PersonalData.scrubJSON(action.payload, values: values)
                guard payload != action.payload else { continue }
                try db.execute(sql: "UPDATE actions SET payload = ? WHERE id = ?", arguments: [payload, action.id])
                report.actions += 1
            }
            let entries = try Row.fetchAll(db, sql: """
                SELECT t.id, t.summary FROM timeline t JOIN cases c ON c.id = t.caseID WHERE c.customerID = ?
                """, arguments: [customerID])
            for entry in entries {
                let summary: String = entry[1]
                let scrubbed = PersonalData.scrubText(summary, values: values)
                guard scrubbed != summary else { continue }
                try db.execute(sql: "UPDATE timeline SET summary = ? WHERE id = ?", arguments: [scrubbed, entry[0] as Int64])
                report.timelineEntries += 1
            }
        }
        if report.found {
            try db.execute(sql: """
                INSERT INTO erasures (customerID, erasedAt) VALUES (?, ?)
                ON CONFLICT(customerID) DO UPDATE SET erasedAt = excluded.erasedAt
                """, arguments: [customerID, now])
        }
        return report
    }

    public func rawDeliveries() async throws -> [RawDelivery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, provider, receivedAt, headers, body, droppedAt, dropReason FROM deliveries ORDER BY id").map { row in
                let body: Data = row[4] ?? Data()
                return RawDelivery(
                    id: row[0], provider: row[1], receivedAt: row[2], headers: row[3], body: Array(body),
                    droppedAt: row[5], dropReason: (row[6] as String?).flatMap(RawDropReason.init(rawValue:))
                )
            }
        }
    }
}

/// What a normalizer fix is applied to, and how it is written back.
extension SQLiteStore {
    public func rawEvents(after seq: Int64, limit: Int) async throws -> [RawLoggedEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.seq, e.provider, e.eventID, e.deliveryID, d.body, e.normalized FROM events e JOIN deliveries d ON d.id = e.deliveryID
                WHERE e.seq > ? AND d.droppedAt IS NULL AND e.provider NOT LIKE ? ORDER BY e.seq LIMIT ?
                """, arguments: [seq, PartnerCallbackLog.providerPrefix + "%", limit]).map { row in
                let body: Data = row[4] ?? Data()
                let normalized: String? = row[5]
                return RawLoggedEvent(
                    seq: row[0], provider: row[1], eventID: row[2], deliveryID: row[3], body: Array(body),
                    normalized: try normalized.map { try JSONDecoder().decode(BillingEvent.self, from: Data($0.utf8)) }
                )
            }
        }
    }

    public func replaceNormalized(_ updates: [NormalizedUpdate]) async throws {
        guard !updates.isEmpty else { return }
        try await pool.write { db in
            for update in updates {
                try db.execute(sql: "UPDATE events SET normalized = ?, type = ? WHERE seq = ?", arguments: [
                    try update.normalized.map { try $0.jsonText() }, update.normalized?.type.rawValue, update.seq,
                ])
            }
        }
    }
}
