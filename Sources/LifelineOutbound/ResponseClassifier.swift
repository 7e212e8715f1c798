import Foundation
import LifelineCore

/// Turns an HTTP answer into an outcome: 2xx/409 delivered, 429/5xx retry, other 4xx dead.
public enum ResponseClassifier {
    public static func outcome(
        status: Int, retryAfter: String?, body: String, peer: String, now: Int64, redactor: SecretRedactor
    ) -> DeliveryOutcome {
        switch status {
        case 200..<300:
            return .delivered(httpStatus: status)
        case 409:
            // The peer already has this idempotency key: the earlier try got through.
            return .delivered(httpStatus: status)
        case 429, 500..<600:
            let wait = retryAfter.flatMap { RetryAfter.seconds(from: $0, now: now) }
            return .retry(httpStatus: status, error: message(status: status, body: body, peer: peer, redactor: redactor), retryAfterSeconds: wait)
        case 400..<500:
            return .dead(httpStatus: status, error: message(status: status, body: body, peer: peer, redactor: redactor))
        default:
            // 1xx/3xx to a POST means a misrouted URL; retrying would not change it.
            return .dead(httpStatus: status, error: message(status: status, body: body, peer: peer, redactor: redactor))
        }
    }

    /// `HTTP 503 from partner acme: <first 300 characters of the body, secrets scrubbed>`.
    static func message(status: Int, body: String, peer: String, redactor: SecretRedactor) -> String {
        let head = "HTTP \(status) from \(peer)"
        let snippet = redactor.clean(body.trimmingCharacters(in: .whitespacesAndNewlines))
        return snippet.isEmpty ? head : "\(head): \(snippet)"
    }
}
