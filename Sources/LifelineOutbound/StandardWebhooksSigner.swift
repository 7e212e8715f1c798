import Crypto
import Foundation

/// Signs outbound partner calls exactly like `StandardWebhooksSignature.headers` in
/// LifelineProviders (which this module does not depend on): HMAC-SHA256 over
/// `"{id}.{timestamp}.{body}"` keyed by the base64 after `whsec_`.
public enum StandardWebhooksSigner {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`; empty when the secret is unusable.
    public static func headers(id: String, timestamp: Int64, body: [UInt8], secret: String) -> [(String, String)] {
        guard let key = key(fromSecret: secret) else { return [] }
        let signed = Array("\(id).\(timestamp).".utf8) + body
        let mac = Data(HMAC<SHA256>.authenticationCode(for: signed, using: key))
        return [
            ("webhook-id", id),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", "v1,\(mac.base64EncodedString())"),
        ]
    }

    /// `whsec_<base64>` → key bytes; a secret without the prefix is taken as base64 too.
    static func key(fromSecret secret: String) -> SymmetricKey? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else { return nil }
        return SymmetricKey(data: data)
    }
}
