/// Scrubs secrets out of text bound for the attempt log, then caps it at 300 characters.
public struct SecretRedactor: Sendable {
    public static let maximumLength = 300
    let secrets: [String]

    /// Each `whsec_` secret is also scrubbed without its prefix, since peers may echo either form.
    public init(secrets: [String]) {
        var all: [String] = []
        for secret in secrets where secret.count >= 4 {
            all.append(secret)
            if secret.hasPrefix("whsec_"), secret.count > 10 { all.append(String(secret.dropFirst(6))) }
        }
        self.secrets = all.sorted { $0.count > $1.count }
    }

    /// Redacts before truncating so a secret cut at the boundary cannot leak a prefix.
    public func clean(_ text: String) -> String {
        Self.truncated(scrub(text))
    }

    /// Every secret replaced by `[redacted]`, at any length (log lines).
    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) { result = result.replacing(secret, with: "[redacted]") }
        return result
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public static func truncated(_ text: String) -> String {
        text.count > maximumLength ? String(text.prefix(maximumLength - 1)) + "…" : text
    }
}
