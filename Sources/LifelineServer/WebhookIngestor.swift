import LifelineCore
import LifelineProviders
import LifelineStore
import Logging

/// Verify → normalize → store, the webhook path without HTTP; the route only adapts it.
public struct WebhookIngestor: Sendable {
    public var providers: [ProviderName: any WebhookProvider]
    public var store: any LifelineStore
    public var clock: any WallClock
    public var logger: Logger
    /// Applies what was appended: in the background (woken here), or before the answer.
    public var projection: ProjectionTiming

    public init(
        providers: [ProviderName: any WebhookProvider], store: any LifelineStore, clock: any WallClock, logger: Logger,
        projection: ProjectionTiming
    ) {
        self.providers = providers
        self.store = store
        self.clock = clock
        self.logger = logger
        self.projection = projection
    }

    public enum Failure: Error {
        case unknownProvider(String)
        case rejected(WebhookRejection)
        case storeUnavailable(String)
    }

    /// - Parameter logger: the request's logger (its request id on every line); the ingestor's own when nil.
    public func ingest(
        providerPath: String, body: [UInt8], headers: WebhookHeaders, rawHeaders: [(String, String)], origin: EventOrigin = .live,
        logger: Logger? = nil
    ) async throws(Failure) -> IngestResult {
        guard let name = ProviderName(rawValue: providerPath), let provider = providers[name] else {
            throw .unknownProvider(providerPath)
        }
        let logger = logger ?? self.logger
        let now = clock.nowSeconds()
        let delivery: NormalizedDelivery
        do {
            try provider.verify(body: body, headers: headers, now: now)
            delivery = try provider.normalize(body: body)
        } catch {
            logger.notice("webhook refused", metadata: ["provider": "\(name.rawValue)", "reason": "\(error.detail)"])
            throw .rejected(error)
        }
        let kept = Set(provider.headersToStore.map { $0.lowercased() })
        var storedHeaders: [String: String] = [:]
        for (headerName, value) in rawHeaders where kept.contains(headerName.lowercased()) {
            storedHeaders[headerName.lowercased()] = value
        }
        let incoming = IncomingDelivery(provider: name, receivedAt: now, headers: storedHeaders, body: body, events: delivery.events)
        let result: IngestResult
        do {
            result = try await store.append(incoming, origin: origin)
        } catch {
            logger.error("store failed; webhook not acknowledged", metadata: [
                "provider": "\(name.rawValue)", "event_ids": .array(delivery.events.map { .string($0.id) }), "error": "\(error)",
            ])
            throw .storeUnavailable("\(error)")
        }
        // One line per event, so each event id can be found in the log with its fate.
        for (outcome, ids) in [("stored", result.stored), ("duplicate", result.duplicates), ("ignored", result.ignored)] {
            for id in ids {
                logger.info("webhook event logged", metadata: [
                    "provider": "\(name.rawValue)", "event_id": "\(id)", "outcome": "\(outcome)", "origin": "\(origin.rawValue)",
                ])
            }
        }
        switch projection {
        case .background(let projector):
            if !result.stored.isEmpty { projector.kick() }
        case .beforeAcknowledging:
            // The events are durable already: a failed projection is retried by the next pass,
            // it does not turn the acknowledgement into an error.
            do {
                let batch = try await store.projectAll(now: now)
                Projector.log(batch.remarks, to: logger)
            } catch {
                logger.error("projection failed after the append; left in the log", metadata: [
                    "provider": "\(name.rawValue)", "event_ids": .array(result.stored.map { .string($0) }), "error": "\(error)",
                ])
            }
        }
        return result
    }
}

/// When the events of an acknowledged webhook reach the ledger.
public enum ProjectionTiming: Sendable {
    /// A projector service applies them after the 2xx (production).
    case background(Projector)
    /// Applied before the 2xx, for tests that read the ledger right after posting.
    case beforeAcknowledging
}
