import LifelineCore
import LifelineProviders
import LifelineStore

/// A normalizer fix applied to the log (`lifeline rebuild --renormalize`): every logged event
/// whose raw body is still kept is normalized again by today's provider code, and its logged
/// normalized form replaced where it differs. Events whose raw body was dropped (retention,
/// erasure) keep the form they were logged with. Plans nothing; the rebuild that follows applies it.
public struct Renormalizer: Sendable {
    let store: any RebuildStore
    let providers: [ProviderName: any WebhookProvider]

    public init(store: any RebuildStore, providers: [ProviderName: any WebhookProvider]) {
        self.store = store
        self.providers = providers
    }

    /// What a pass did.
    public struct Run: Sendable, Equatable, Codable {
        /// Events with a raw body, read again.
        public var checked = 0
        /// Events whose normalized form changed (a type now recognised or no longer, a field read differently).
        public var changed = 0
        /// Events today's normalizer refuses or no longer finds in their body: kept as logged.
        public var keptAsLogged = 0

        public init() {}

        enum CodingKeys: String, CodingKey {
            case checked, changed
            case keptAsLogged = "kept_as_logged"
        }
    }

    public func run(pageSize: Int = 1_000) async throws -> Run {
        var run = Run()
        var cursor: Int64 = 0
        // The last delivery normalized: a GoCardless body carries several events, read once.
        var lastDelivery: (id: Int64, events: [String: ProviderEvent]?)?
        while true {
            let page = try await store.rawEvents(after: cursor, limit: pageSize)
            guard let last = page.last else { break }
            var updates: [NormalizedUpdate] = []
            for row in page {
                run.checked += 1
                if lastDelivery?.id != row.deliveryID {
                    lastDelivery = (row.deliveryID, normalize(row))
                }
                guard let event = lastDelivery?.events?[row.eventID] else {
                    run.keptAsLogged += 1
                    continue
                }
                if event.normalized != row.normalized {
                    updates.append(NormalizedUpdate(seq: row.seq, normalized: event.normalized))
                }
            }
            try await store.replaceNormalized(updates)
            run.changed += updates.count
            cursor = last.seq
        }
        return run
    }

    /// The body's events by id, as today's provider code reads them; nil when it refuses the body.
    func normalize(_ row: RawLoggedEvent) -> [String: ProviderEvent]? {
        guard let name = ProviderName(rawValue: row.provider), let provider = providers[name],
              let delivery = try? provider.normalize(body: row.body) else { return nil }
        return Dictionary(delivery.events.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
