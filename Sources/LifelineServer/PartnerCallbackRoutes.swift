import Foundation
import Hummingbird
import LifelineCore
import LifelineProviders
import LifelineStore
import Logging
import NIOCore

/// `POST /webhooks/partner/{name}`: a financing partner tells how an offer went, signed with
/// Standard Webhooks and the partner's own secret.
struct PartnerCallbackRoutes {
    let secrets: [String: String]
    let log: any RecoveryLogStore
    let clock: any WallClock
    let maxBodyBytes: Int

    func register(on router: some RouterMethods<BasicRequestContext>) {
        router.post("/webhooks/partner/:name") { request, context in
            try await handle(request, context)
        }
    }

    func handle(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let secret = secrets[name] else {
            throw APIError(.notFound, "unknown_partner", "no partner named '\(name)' is configured")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "body_too_large", "callback bodies are limited to \(maxBodyBytes) bytes")
        }
        let body = Array(buffer.readableBytesView)
        let headers = WebhookHeaders(request.headers.map { ($0.name.canonicalName, $0.value) })
        let now = clock.nowSeconds()
        do {
            try StandardWebhooksSignature(secrets: [secret]).verify(body: body, headers: headers, now: now)
        } catch {
            context.logger.notice("partner callback refused", metadata: ["partner": "\(name)", "reason": "\(error.detail)"])
            throw APIError(.unauthorized, "invalid_signature", error.detail)
        }
        do {
            // Same structure rules as webhooks: a repeated key or deep nesting is refused, never
            // read one way here and another way by whoever replays the stored body.
            try JSONStructureGuard.check(body)
        } catch {
            throw APIError(.badRequest, "malformed_payload", error.detail)
        }
        let callback: PartnerCallback
        do {
            callback = try JSONDecoder().decode(PartnerCallback.self, from: Data(body))
        } catch {
            let types = PartnerCallbackType.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.badRequest, "malformed_payload", "expected {id, type (\(types)), offer_id, occurred_at}: \(error)")
        }
        let kept = ["webhook-id", "webhook-timestamp", "content-type", "user-agent"]
        let stored = Dictionary(uniqueKeysWithValues: kept.compactMap { key in headers[key].map { (key, $0) } })
        let result = try await log.ingestPartnerCallback(IncomingPartnerCallback(
            partner: name, receivedAt: now, headers: stored, body: body, callback: callback
        ))
        switch result {
        case .applied(let caseID):
            context.logger.info("partner callback applied", metadata: [
                "partner": "\(name)", "event_id": "\(callback.id)", "type": "\(callback.type.rawValue)", "case": "\(caseID)",
            ])
            return try JSONResponse.make(.ok, ["status": "applied", "case_id": caseID])
        case .duplicate:
            context.logger.info("partner callback duplicate", metadata: ["partner": "\(name)", "event_id": "\(callback.id)"])
            return try JSONResponse.make(.ok, ["status": "duplicate"])
        case .unknownOffer:
            throw APIError(.notFound, "unknown_offer", "no financing offer \(callback.offerID) was sent to \(name)")
        }
    }
}
