import Foundation
import GRDB
import LifelineCore
import LifelineStore

// Ledger records map one-to-one onto their tables; nested values are stored as JSON.

extension CustomerRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "customers"
}

extension SubscriptionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "subscriptions"
}

extension InvoiceRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "invoices"
}

extension PaymentFailureRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "paymentFailures"
}

extension MRRMovement: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mrrMovements"
}

extension RecoveryCase: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cases"
}

extension RecoveryAction: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "actions"
}

extension DeliveryAttempt: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "deliveryAttempts"
}

extension TimelineEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "timeline"
}

extension StoredEvent: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "events"
}

/// The raw delivery row.
public struct DeliveryRow: Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "deliveries"
    public var id: Int64?
    public var provider: String
    public var receivedAt: Int64
    public var headers: [String: String]
    public var body: [UInt8]

    init(id: Int64? = nil, provider: String, receivedAt: Int64, headers: [String: String], body: [UInt8]) {
        self.id = id
        self.provider = provider
        self.receivedAt = receivedAt
        self.headers = headers
        self.body = body
    }

    public init(row: Row) throws {
        id = row["id"]
        provider = row["provider"]
        receivedAt = row["receivedAt"]
        let headersJSON: String = row["headers"]
        headers = (try? JSONDecoder().decode([String: String].self, from: Data(headersJSON.utf8))) ?? [:]
        let bytes: Data = row["body"]
        body = Array(bytes)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["provider"] = provider
        container["receivedAt"] = receivedAt
        container["headers"] = ColumnJSON.text(headers)
        // Raw bytes exactly as received, so a signature can be re-checked later.
        container["body"] = Data(body)
    }
}
