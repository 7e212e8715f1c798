import AsyncHTTPClient
import LifelineCore

/// Failures with no HTTP answer: a bad URL is permanent, everything else is worth retrying.
enum TransportErrorClassifier {
    static let timeouts: [HTTPClientError] = [
        .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
        .getConnectionFromPoolTimeout, .httpProxyHandshakeTimeout, .socksHandshakeTimeout,
    ]
    static let badURLs: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme, .missingSocketPath]

    static func outcome(for error: any Error, peer: String, timeoutSeconds: Int64, redactor: SecretRedactor) -> DeliveryOutcome {
        if let clientError = error as? HTTPClientError {
            if timeouts.contains(clientError) {
                return .retry(httpStatus: nil, error: "timed out after \(timeoutSeconds) s calling \(peer)", retryAfterSeconds: nil)
            }
            if badURLs.contains(clientError) || String(describing: clientError).contains("unsupportedScheme") {
                return .dead(httpStatus: nil, error: redactor.clean("invalid URL configured for \(peer) (\(clientError))"))
            }
        }
        return .retry(httpStatus: nil, error: redactor.clean("could not reach \(peer): \(error)"), retryAfterSeconds: nil)
    }
}
