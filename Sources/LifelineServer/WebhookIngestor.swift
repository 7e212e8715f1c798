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

    public init(providers: [ProviderName: any WebhookProvider], store: any LifelineStore, clock: any WallClock, logger: Logger) {
        self.providers = providers
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public enum Failure: Error {
        case unknownProvider(String)
        case rejected(WebhookRejection)
        case storeUnavailable(String)
    }

    public func ingest(providerPath: String, body: [UInt8], headers: WebhookHeaders, rawHeaders: [(String, String)]) async throws(Failure) -> IngestResult {
        guard let name = ProviderName(rawValue: providerPath), let provider = providers[name] else {
            throw .unknownProvider(providerPath)
        }
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
            result = try await store.ingest(incoming)
        } catch {
            logger.error("store failed; webhook not acknowledged", metadata: ["provider": "\(name.rawValue)", "error": "\(error)"])
            throw .storeUnavailable("\(error)")
        }
        for note in result.notes {
            logger.warning("ledger note", metadata: ["provider": "\(name.rawValue)", "note": "\(note)"])
        }
        logger.info("webhook stored", metadata: [
            "provider": "\(name.rawValue)", "stored": "\(result.stored.count)",
            "duplicates": "\(result.duplicates.count)", "ignored": "\(result.ignored.count)",
        ])
        return result
    }
}
