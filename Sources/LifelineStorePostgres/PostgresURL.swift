import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…&schema=…` URL, parsed into what
/// the client needs; parsing is separate so it is tested without a server.
public struct PostgresURL: Sendable {
    public var host: String
    public var port: Int
    /// Set by `?host=/dir` (libpq style): connect through `dir/.s.PGSQL.<port>` instead of TCP.
    public var unixSocketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String?
    /// `disable`, `prefer` (libpq's default), `require`, `verify-ca` or `verify-full`.
    public var sslMode: String
    /// Lifeline's own option: every table lives in this schema (created by `migrate`), so one
    /// database can hold several isolated Lifelines, e.g. one per test.
    public var schema: String?
    /// `?application_name=` (libpq's name; default `lifeline`): how this instance's connections
    /// show in `pg_stat_activity`, so an operator (or a test) can tell which instance holds a lock.
    public var applicationName: String

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case notPostgres(String)
        case missing(String)
        case invalid(String, String)

        public var description: String {
            switch self {
            case .notPostgres(let scheme): "storage.url must start with postgres:// or postgresql://, not \(scheme)://"
            case .missing(let part): "storage.url has no \(part)"
            case .invalid(let part, let problem): "storage.url \(part): \(problem)"
            }
        }
    }

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme else {
            throw ParseError.invalid("syntax", "not a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else { throw ParseError.notPostgres(scheme) }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        unixSocketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        guard let user = components.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw ParseError.missing("user name")
        }
        username = user
        password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path.removingPercentEncoding
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw ParseError.invalid("sslmode", "unknown mode \(sslMode)")
        }
        schema = try query["schema"].map(Self.checkedIdentifier)
        applicationName = query["application_name"] ?? "lifeline"
        guard applicationName.count <= 63, applicationName.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
            throw ParseError.invalid("application_name", "at most 63 printable ASCII characters")
        }
    }

    /// Schema names go into DDL unquoted-safe: lower-case letters, digits and `_`, at most 63.
    static func checkedIdentifier(_ name: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
        guard !name.isEmpty, name.count <= 63, name.allSatisfy(allowed.contains), !name.first!.isNumber else {
            throw ParseError.invalid("schema", "\(name) must be 1–63 characters of a-z, 0-9 and _, not starting with a digit")
        }
        return name
    }

    /// The client configuration: TLS per `sslmode`, and `search_path` set at connection start.
    public func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let unixSocketDirectory {
            configuration = .init(
                unixSocketPath: "\(unixSocketDirectory)/.s.PGSQL.\(port)", username: username, password: password, database: database
            )
        } else {
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        if let schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        return configuration
    }

    /// libpq semantics: `require` encrypts without checking the certificate, `verify-*` check it.
    var tls: PostgresClient.Configuration.TLS {
        var verified = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case "disable": return .disable
        case "require":
            verified.certificateVerification = .none
            return .require(verified)
        case "verify-ca":
            verified.certificateVerification = .noHostnameVerification
            return .require(verified)
        case "verify-full": return .require(verified)
        default:
            verified.certificateVerification = .none
            return .prefer(verified)
        }
    }

    /// The URL with its password hidden, for logs.
    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":[redacted]")@\(host):\(port)/\(database ?? "")"
            + (schema.map { "?schema=\($0)" } ?? "")
    }
}
