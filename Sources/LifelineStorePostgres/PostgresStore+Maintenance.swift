import Foundation
import LifelineCore
import LifelineStore
import PostgresNIO

/// Raw-body retention and the right to erasure on the PostgreSQL log.
extension PostgresStore {
    public func dropRawBodies(receivedBefore cutoff: Int64, now: Int64) async throws -> Int {
        try await write { session in
            try await session.scalar("""
                WITH dropped AS (
                    UPDATE deliveries SET body = ''::bytea, headers = '{}'::jsonb, dropped_at = \(now), drop_reason = \(RawDropReason.retention.rawValue)
                    WHERE received_at < \(cutoff) AND dropped_at IS NULL AND provider NOT LIKE \(PartnerCallbackLog.providerPrefix + "%")
                    RETURNING 1
                )
                SELECT COUNT(*)::BIGINT FROM dropped
                """, as: Int.self) ?? 0
        }
    }

    public func forget(customerID: String, now: Int64) async throws -> ErasureReport {
        try await write { session in
            // The projector's writes about this customer wait until the erasure commits.
            try await session.lockCustomer(customerID)
            var report = ErasureReport()
            let customer = try await session.first("SELECT * FROM customers WHERE id = \(customerID)", PostgresRecords.customer)
            let values = customer.map(PersonalData.values(of:)) ?? []
            if let customer {
                report.found = true
                try await session.save(PersonalData.erase(customer))
            }
            let events = try await session.all("""
                SELECT seq, delivery_id, normalized::text AS normalized FROM events WHERE normalized->'customer'->>'id' = \(customerID) ORDER BY seq
                """) { row in (try row.value("seq", as: Int64.self), try row.value("delivery_id", as: Int64.self), try row.value("normalized", as: String.self)) }
            for (seq, _, text) in events {
                let event = try PostgresJSON.decode(BillingEvent.self, from: text)
                let erased = PersonalData.erase(event)
                if erased != event {
                    try await session.execute("UPDATE events SET normalized = \(try PostgresJSON.encode(erased))::jsonb WHERE seq = \(seq)")
                }
                report.events += 1
            }
            report.found = report.found || !events.isEmpty
            // Events of types Lifeline ignores have no normalized form: their raw bodies are
            // searched for the customer's id as a JSON string.
            var quotedID = ""
            JSONText.appendString(customerID, to: &quotedID)
            let ignored = try await session.all("""
                SELECT id FROM deliveries WHERE id IN (SELECT delivery_id FROM events WHERE type IS NULL)
                AND position(convert_to(\(quotedID), 'UTF8') IN body) > 0
                """) { try $0.value("id", as: Int64.self) }
            let deliveries = Array(Set(events.map(\.1)).union(ignored)).sorted()
            if !deliveries.isEmpty {
                report.rawBodies = try await session.scalar("""
                    WITH dropped AS (
                        UPDATE deliveries SET body = ''::bytea, headers = '{}'::jsonb, dropped_at = \(now), drop_reason = \(RawDropReason.erasure.rawValue)
                        WHERE id = ANY(\(deliveries)) AND (dropped_at IS NULL OR drop_reason <> \(RawDropReason.erasure.rawValue))
                        RETURNING 1
                    )
                    SELECT COUNT(*)::BIGINT FROM dropped
                    """, as: Int.self) ?? 0
            }
            for subscription in try await session.all("SELECT * FROM subscriptions WHERE customer_id = \(customerID)", PostgresRecords.subscription) {
                let erased = PersonalData.erase(subscription)
                if erased != subscription {
                    try await session.save(erased)
                    report.subscriptions += 1
                }
            }
            if !values.isEmpty {
                for action in try await session.all("SELECT * FROM actions WHERE customer_id = \(customerID)", PostgresRecords.action) {
                    let payload = PersonalData.scrubJSON(action.payload, values: values)
                    guard payload != action.payload else { continue }
                    try await session.execute("UPDATE actions SET payload = \(payload) WHERE id = \(action.id)")
                    report.actions += 1
                }
                let entries = try await session.all("""
                    SELECT t.id, t.summary FROM timeline t JOIN cases c ON c.id = t.case_id WHERE c.customer_id = \(customerID)
                    """) { row in (try row.value("id", as: Int64.self), try row.value("summary", as: String.self)) }
                for (id, summary) in entries {
                    let scrubbed = PersonalData.scrubText(summary, values: values)
                    guard scrubbed != summary else { continue }
                    try await session.execute("UPDATE timeline SET summary = \(scrubbed) WHERE id = \(id)")
                    report.timelineEntries += 1
                }
            }
            if report.found {
                try await session.execute("""
                    INSERT INTO erasures (customer_id, erased_at) VALUES (\(customerID), \(now))
                    ON CONFLICT (customer_id) DO UPDATE SET erased_at = EXCLUDED.erased_at
                    """)
            }
            return report
        }
    }

    public func rawDeliveries() async throws -> [RawDelivery] {
        try await read { session in
            try await session.all("SELECT id, provider, received_at, headers::text AS headers, body, dropped_at, drop_reason FROM deliveries ORDER BY id") { row in
                let body = try row.value("body", as: ByteBuffer.self)
                return RawDelivery(
                    id: try row.value("id"), provider: try row.value("provider"), receivedAt: try row.value("received_at"),
                    headers: try row.value("headers"), body: Array(body.readableBytesView),
                    droppedAt: try row.value("dropped_at"), dropReason: try row.value("drop_reason", as: String?.self).flatMap(RawDropReason.init(rawValue:))
                )
            }
        }
    }
}

/// What a normalizer fix is applied to, and how it is written back.
extension PostgresStore {
    public func rawEvents(after seq: Int64, limit: Int) async throws -> [RawLoggedEvent] {
        try await read { session in
            try await session.all("""
                SELECT e.seq, e.provider, e.event_id, e.delivery_id, d.body, e.normalized::text AS normalized
                FROM events e JOIN deliveries d ON d.id = e.delivery_id
                WHERE e.seq > \(seq) AND d.dropped_at IS NULL AND e.provider NOT LIKE \(PartnerCallbackLog.providerPrefix + "%")
                ORDER BY e.seq LIMIT \(limit)
                """) { row in
                RawLoggedEvent(
                    seq: try row.value("seq"), provider: try row.value("provider"), eventID: try row.value("event_id"),
                    deliveryID: try row.value("delivery_id"), body: Array(try row.value("body", as: ByteBuffer.self).readableBytesView),
                    normalized: try row.optionalJSON("normalized")
                )
            }
        }
    }

    public func replaceNormalized(_ updates: [NormalizedUpdate]) async throws {
        guard !updates.isEmpty else { return }
        try await write { session in
            for update in updates {
                let json = try update.normalized.map { try PostgresJSON.encode($0) }
                try await session.execute("""
                    UPDATE events SET normalized = \(json)::jsonb, type = \(update.normalized?.type.rawValue) WHERE seq = \(update.seq)
                    """)
            }
        }
    }
}
