import Crypto
import LifelineCore

/// GoCardless `Webhook-Signature`: hex HMAC-SHA256 of the raw body.
public struct GoCardlessSignature: Sendable {
    public var secrets: [String]

    public init(secrets: [String]) {
        self.secrets = secrets
    }

    public func verify(body: [UInt8], header: String?) throws(WebhookRejection) {
        guard let header, !header.isEmpty else { throw .unauthorized("missing Webhook-Signature header") }
        guard let signature = Hex.decode(header.trimmingSpaces[...]) else {
            throw .unauthorized("Webhook-Signature is not hex")
        }
        for secret in secrets
        where HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: body, using: SymmetricKey(data: Array(secret.utf8))) {
            return
        }
        throw .unauthorized("Webhook-Signature matches no configured secret")
    }

    public static func header(body: [UInt8], secret: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8))))
    }
}

extension String {
    var trimmingSpaces: Substring { self[...].trimmingSpaces }
}
