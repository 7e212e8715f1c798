import LifelineCore

/// Routes an action by kind to its URL, headers and body; pure so routing is testable offline.
public enum DeliveryPlanner {
    public static let userAgent = "lifeline-outbound/1"

    public static func plan(for action: RecoveryAction, settings: OutboundSettings, now: Int64) -> DeliveryPlan {
        switch action.kind {
        case .financingOffer: financingOffer(action, settings: settings, now: now)
        case .dunningEmail: dunningEmail(action, settings: settings)
        case .retryPayment: retryPayment(action, settings: settings)
        case .notifyOps: .noCall
        }
    }

    /// `POST {partner}/offers`, signed with the partner's Standard Webhooks secret.
    static func financingOffer(_ action: RecoveryAction, settings: OutboundSettings, now: Int64) -> DeliveryPlan {
        guard let name = action.target, !name.isEmpty else {
            return .misconfigured("financing offer has no partner (action target is empty)")
        }
        guard let partner = settings.partners[name] else {
            return .misconfigured("no financing partner named '\(name)' is configured")
        }
        guard !partner.url.isEmpty else { return .misconfigured("financing partner '\(name)' has no URL") }
        let body = Array(action.payload.utf8)
        let signature = StandardWebhooksSigner.headers(id: action.id, timestamp: now, body: body, secret: partner.secret)
        guard !signature.isEmpty else {
            return .misconfigured("financing partner '\(name)' has no usable whsec_ signing secret")
        }
        let headers = jsonHeaders(idempotencyKey: action.id) + signature.map { (name: $0.0, value: $0.1) }
        return .http(OutboundRequest(url: joined(partner.url, "offers"), headers: headers, body: body, peer: "partner \(name)"))
    }

    /// `POST {dunning.url}` with the message the dunning service renders.
    static func dunningEmail(_ action: RecoveryAction, settings: OutboundSettings) -> DeliveryPlan {
        guard let url = settings.dunningURL, !url.isEmpty else { return .misconfigured("no dunning URL is configured") }
        return .http(
            OutboundRequest(url: url, headers: jsonHeaders(idempotencyKey: action.id), body: Array(action.payload.utf8), peer: "dunning service")
        )
    }

    /// `POST {stripe}/v1/invoices/{id}/pay` with the bearer key; Stripe takes an empty form body.
    static func retryPayment(_ action: RecoveryAction, settings: OutboundSettings) -> DeliveryPlan {
        guard let invoiceID = action.invoiceID, !invoiceID.isEmpty else {
            return .misconfigured("payment retry has no invoice id")
        }
        guard let key = settings.stripeAPIKey, !key.isEmpty else { return .misconfigured("no Stripe API key is configured") }
        guard !settings.stripeAPIBase.isEmpty else { return .misconfigured("no Stripe API base URL is configured") }
        let url = joined(settings.stripeAPIBase, "v1/invoices/\(percentEncoded(invoiceID))/pay")
        let headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(key)"),
            ("Idempotency-Key", action.id),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("User-Agent", userAgent),
        ]
        return .http(OutboundRequest(url: url, headers: headers, body: [], peer: "Stripe"))
    }

    static func jsonHeaders(idempotencyKey: String) -> [(name: String, value: String)] {
        [("Content-Type", "application/json"), ("Idempotency-Key", idempotencyKey), ("User-Agent", userAgent)]
    }

    /// Base URL and path with exactly one slash between them.
    static func joined(_ base: String, _ path: String) -> String {
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return "\(trimmed)/\(path)"
    }

    /// Keeps RFC 3986 unreserved characters so an odd id cannot change the path.
    static func percentEncoded(_ segment: String) -> String {
        var output = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return output
    }
}
