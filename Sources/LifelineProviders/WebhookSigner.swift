import Foundation
import LifelineCore

/// Signs a body the way each provider would, for `lifeline replay`, the demo and tests.
public enum WebhookSigner {
    /// - Parameter eventID: the Standard Webhooks `webhook-id`; ignored by the other schemes.
    public static func headers(
        provider: ProviderName, body: [UInt8], secret: String, timestamp: Int64, eventID: String
    ) -> [(String, String)] {
        switch provider {
        case .stripe:
            [("Stripe-Signature", StripeSignature.header(body: body, secret: secret, timestamp: timestamp))]
        case .gocardless:
            [("Webhook-Signature", GoCardlessSignature.header(body: body, secret: secret))]
        case .standard:
            StandardWebhooksSignature.headers(id: eventID, timestamp: timestamp, body: body, secret: secret)
        }
    }

    /// The event id a sample file carries at its top level (`id`), else a fallback.
    public static func eventID(in body: [UInt8], fallback: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let id = object["id"] as? String else { return fallback }
        return id
    }
}
