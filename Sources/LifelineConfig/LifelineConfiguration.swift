import LifelineCore

/// Everything a deployment sets, resolved from defaults, the YAML file and the environment.
public struct LifelineConfiguration: Sendable {
    public struct HTTP: Sendable {
        public var host: String
        public var port: Int
        public var maxBodyBytes: Int
        /// A connection with no request in progress is closed after this.
        public var idleTimeoutSeconds: Int = 60
        /// A new connection must send its first complete request head within this.
        public var headerReadTimeoutSeconds: Int = 10
        /// A request body must arrive in full within this after its head.
        public var bodyReadTimeoutSeconds: Int = 30

        public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 256 * 1024) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
        }
    }

    public struct Storage: Sendable {
        /// SQLite file.
        public var path: String
        /// PostgreSQL URL; when set it takes precedence (scale-out deployments).
        public var url: String?
        /// Raw webhook bodies older than this many days are dropped (normalized events stay); 0 keeps them.
        public var rawRetentionDays: Int

        public init(path: String, url: String? = nil, rawRetentionDays: Int = 90) {
            self.path = path
            self.url = url
            self.rawRetentionDays = rawRetentionDays
        }
    }

    public struct Providers: Sendable {
        public var stripeSecrets: [String]
        public var stripeToleranceSeconds: Int
        public var gocardlessSecrets: [String]
        public var standardSecrets: [String]
        public var standardToleranceSeconds: Int

        public init(
            stripeSecrets: [String] = [], stripeToleranceSeconds: Int = 300, gocardlessSecrets: [String] = [],
            standardSecrets: [String] = [], standardToleranceSeconds: Int = 300
        ) {
            self.stripeSecrets = stripeSecrets
            self.stripeToleranceSeconds = stripeToleranceSeconds
            self.gocardlessSecrets = gocardlessSecrets
            self.standardSecrets = standardSecrets
            self.standardToleranceSeconds = standardToleranceSeconds
        }
    }

    public struct Outbound: Sendable {
        public var dunningURL: String?
        public var stripeAPIBase: String
        public var stripeAPIKey: String?

        public init(dunningURL: String? = nil, stripeAPIBase: String = "https://api.stripe.com", stripeAPIKey: String? = nil) {
            self.dunningURL = dunningURL
            self.stripeAPIBase = stripeAPIBase
            self.stripeAPIKey = stripeAPIKey
        }
    }

    /// A financing partner: where offers go, and the secret that signs both directions.
    public struct Partner: Sendable, Equatable {
        public var url: String
        public var secret: String

        public init(url: String, secret: String) {
            self.url = url
            self.secret = secret
        }
    }

    /// How the server logs: the least severe level written, and the line format.
    public struct Log: Sendable, Equatable {
        /// swift-log's levels, by the same names (`LOG_LEVEL=debug`).
        public enum Level: String, Sendable, CaseIterable {
            case trace, debug, info, notice, warning, error, critical
        }

        public enum Format: String, Sendable, CaseIterable {
            /// swift-log's plain lines.
            case text
            /// One JSON object per line: timestamp, level, label, message, metadata flattened.
            case json
        }

        public var level: Level
        public var format: Format

        public init(level: Level = .info, format: Format = .text) {
            self.level = level
            self.format = format
        }
    }

    public var http: HTTP
    /// `log.level` and `log.format`.
    public var log = Log()
    public var storage: Storage
    public var providers: Providers
    public var adminTokens: [String]
    public var reasonCodesPath: String
    public var outbound: Outbound
    /// The reason-code table read from `reasonCodesPath`.
    public var reasonCodes: ReasonCodeTable
    /// Financing partners by name (`partners.<name>.url`, `partners.<name>.secret`).
    public var partners: [String: Partner] = [:]
    /// Stress weights, playbooks and outbox retry settings (`stress`, `playbooks`, `outbox`).
    public var recovery = RecoverySettings()
    /// Segment bands and exchange rates of the reports (`segments`, `reports`).
    public var reports: ReportSettings = .standard
    /// Where each key's value came from, by dotted key (`http.port` → `[environment HTTP_PORT]`).
    public var sources: [String: ConfigurationSource] = [:]
    /// Doubts the loader had about the input itself (unread variables, odd-looking secrets).
    public var loadWarnings: [String] = []

    /// Keys read only from the file (by the recovery loader), so their source is the file or the default.
    static let fileOnlyKeys = [
        "stress.cash_flow_threshold", "playbooks", "outbox.max_attempts", "outbox.backoff_base_seconds",
        "outbox.backoff_max_seconds", "outbox.request_timeout_seconds", "outbox.batch_size", "outbox.poll_interval_ms",
        "outbox.lease_seconds",
    ]

    public init(
        http: HTTP, storage: Storage, providers: Providers, adminTokens: [String], reasonCodesPath: String,
        outbound: Outbound, reasonCodes: ReasonCodeTable
    ) {
        self.http = http
        self.storage = storage
        self.providers = providers
        self.adminTokens = adminTokens
        self.reasonCodesPath = reasonCodesPath
        self.outbound = outbound
        self.reasonCodes = reasonCodes
    }
}
