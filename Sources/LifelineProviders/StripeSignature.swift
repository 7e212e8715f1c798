import Crypto
import LifelineCore

/// Stripe's `Stripe-Signature: t=…,v1=…[,v1=…]`: HMAC-SHA256 hex over `"{t}.{body}"`.
public struct StripeSignature: Sendable {
    public var secrets: [String]
    public var toleranceSeconds: Int64

    public init(secrets: [String], toleranceSeconds: Int64 = 300) {
        self.secrets = secrets
        self.toleranceSeconds = toleranceSeconds
    }

    public func verify(body: [UInt8], header: String?, now: Int64) throws(WebhookRejection) {
        guard let header, !header.isEmpty else { throw .unauthorized("missing Stripe-Signature header") }
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingSpaces
            let value = pair[1].trimmingSpaces
            if key == "t" {
                guard let parsed = StrictInteger.parse(value) else {
                    throw .unauthorized("Stripe-Signature timestamp is not an integer")
                }
                timestamp = parsed
            } else if key == "v1", let bytes = Hex.decode(value) {
                signatures.append(bytes)
            }
        }
        guard let timestamp else { throw .unauthorized("Stripe-Signature has no timestamp") }
        guard !signatures.isEmpty else { throw .unauthorized("Stripe-Signature has no v1 signature") }
        guard abs(now - timestamp) <= toleranceSeconds else {
            throw .unauthorized("Stripe-Signature timestamp outside the \(toleranceSeconds) s tolerance")
        }
        // One MAC per secret over the timestamp prefix and the body as they are (no copy of
        // the body), compared in constant time with each v1 signature.
        let prefix = Array("\(timestamp).".utf8)
        for secret in secrets {
            var hmac = HMAC<SHA256>(key: SymmetricKey(data: Array(secret.utf8)))
            hmac.update(data: prefix)
            hmac.update(data: body)
            let mac = hmac.finalize()
            for signature in signatures where mac == signature {
                return
            }
        }
        throw .unauthorized("no Stripe-Signature v1 matches a configured secret")
    }

    /// The header value Stripe would send; used by `lifeline replay` and tests.
    public static func header(body: [UInt8], secret: String, timestamp: Int64) -> String {
        let signed = Array("\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return "t=\(timestamp),v1=\(Hex.encode(mac))"
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
