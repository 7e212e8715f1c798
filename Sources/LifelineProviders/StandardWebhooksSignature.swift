import Crypto
import Foundation
import LifelineCore

/// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …`;
/// HMAC-SHA256 over `"{id}.{timestamp}.{body}"` with the base64 key after `whsec_`.
public struct StandardWebhooksSignature: Sendable {
    public var secrets: [String]
    public var toleranceSeconds: Int64

    public init(secrets: [String], toleranceSeconds: Int64 = 300) {
        self.secrets = secrets
        self.toleranceSeconds = toleranceSeconds
    }

    public func verify(body: [UInt8], headers: WebhookHeaders, now: Int64) throws(WebhookRejection) {
        guard let id = headers["webhook-id"], !id.isEmpty else { throw .unauthorized("missing webhook-id header") }
        guard let timestampText = headers["webhook-timestamp"] else { throw .unauthorized("missing webhook-timestamp header") }
        guard let timestamp = StrictInteger.parse(timestampText.trimmingSpaces) else {
            throw .unauthorized("webhook-timestamp is not an integer")
        }
        guard let signatureHeader = headers["webhook-signature"], !signatureHeader.isEmpty else {
            throw .unauthorized("missing webhook-signature header")
        }
        guard abs(now - timestamp) <= toleranceSeconds else {
            throw .unauthorized("webhook-timestamp outside the \(toleranceSeconds) s tolerance")
        }
        let signatures: [[UInt8]] = signatureHeader.split(separator: " ").compactMap { entry in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1" else { return nil }
            return Data(base64Encoded: String(parts[1])).map { Array($0) }
        }
        guard !signatures.isEmpty else { throw .unauthorized("webhook-signature has no v1 signature") }
        let signed = Array("\(id).\(timestamp).".utf8) + body
        for secret in secrets {
            guard let key = Self.key(fromSecret: secret) else { continue }
            for signature in signatures
            where HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: key) {
                return
            }
        }
        throw .unauthorized("no webhook-signature matches a configured secret")
    }

    /// `whsec_<base64>` → key bytes; a secret without the prefix is taken as base64 too.
    static func key(fromSecret secret: String) -> SymmetricKey? {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else { return nil }
        return SymmetricKey(data: data)
    }

    /// The three headers a Standard Webhooks sender sets.
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
}
