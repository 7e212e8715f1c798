import Foundation
import LifelineCore
import Yams

/// Everything the recovery engine reads from config: scoring, playbook and outbox delivery.
public struct RecoverySettings: Sendable, Equatable {
    public var weights: StressWeights
    public var playbook: Playbook
    /// Tries before an action goes to the dead letter.
    public var maxAttempts: Int
    /// First retry delay; doubles each try (with jitter) up to `backoffMaxSeconds`.
    public var backoffBaseSeconds: Int
    public var backoffMaxSeconds: Int
    /// Per outbound HTTP call.
    public var requestTimeoutSeconds: Int
    /// Actions one dispatcher claims and delivers at once.
    public var batchSize: Int
    /// Pause between polls when the last one found less than a full batch.
    public var pollIntervalMilliseconds: Int
    /// How long a claim keeps other instances off an action; nil: see `effectiveLeaseSeconds`.
    public var leaseSeconds: Int?
    /// Events heard of longer than this after they happened build history and plan no action.
    public var actionHorizonHours: Int = 72

    public init(
        weights: StressWeights = StressWeights(), playbook: Playbook = .default, maxAttempts: Int = 8,
        backoffBaseSeconds: Int = 30, backoffMaxSeconds: Int = 3_600, requestTimeoutSeconds: Int = 10,
        batchSize: Int = 16, pollIntervalMilliseconds: Int = 1_000, leaseSeconds: Int? = nil
    ) {
        self.weights = weights
        self.playbook = playbook
        self.maxAttempts = maxAttempts
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffMaxSeconds = backoffMaxSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.batchSize = batchSize
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.leaseSeconds = leaseSeconds
    }

    /// The lease in force: the configured one, or 60 s, stretched to outlast a slow call (the
    /// batch's calls run concurrently, so one request timeout plus a margin covers them).
    public var effectiveLeaseSeconds: Int { leaseSeconds ?? max(60, requestTimeoutSeconds + Self.leaseMarginSeconds) }

    /// What the recovery reducer runs on: scoring, playbook and the action horizon.
    public var policy: RecoveryPolicy {
        RecoveryPolicy(weights: weights, playbook: playbook, actionHorizonSeconds: Int64(actionHorizonHours) * 3_600)
    }

    /// Time a claim needs beyond the call itself: recording the attempt, clock skew between instances.
    public static let leaseMarginSeconds = 30
}

/// Reads the `stress:`, `playbooks:`, `outbox:` and `recovery:` sections of `config/lifeline.yaml` with Yams
/// (swift-configuration flattens keys and loses the rules' order); other sections are ignored
/// and a missing section means its defaults.
public enum RecoveryConfigLoader {
    public static func load(path: String) throws(RecoveryConfigError) -> RecoverySettings {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try load(yaml: yaml)
    }

    public static func load(yaml: String) throws(RecoveryConfigError) -> RecoverySettings {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw .invalidYAML(String(describing: error))
        }
        guard let root else { return RecoverySettings() }
        var sections: [String: YAMLField] = [:]
        for (key, field) in try YAMLField(node: root, path: "").entries() where !field.isNull {
            sections[key] = field
        }
        var settings = RecoverySettings()
        if let stress = sections["stress"] {
            settings.weights = try stressWeights(stress)
        }
        if let playbooks = sections["playbooks"] {
            settings.playbook = try playbook(playbooks)
        } else {
            // The shipped rules, kept consistent with a tuned threshold.
            settings.playbook = .standard(cashFlowThreshold: settings.weights.cashFlowThreshold)
        }
        if let outbox = sections["outbox"] {
            try readOutbox(outbox, into: &settings)
        }
        if let recovery = sections["recovery"] {
            let keys = try recovery.entries(allowed: recoveryKeys)
            if let value = keys["action_horizon_hours"] { settings.actionHorizonHours = try value.int(in: 0...87_600) }
        }
        return settings
    }

    /// Keys of `stress:`.
    static let stressKeys = ["weights", "cash_flow_threshold", "soft_decline_window_days"]
    /// Keys of `stress.weights:`.
    static let weightKeys = [
        "insufficient_funds", "repeated_soft_declines", "lengthening_days_to_pay", "partial_payments", "month_end_clustering",
        "account_still_active",
    ]
    /// Keys of `outbox:`.
    /// The keys of the `recovery:` section.
    static let recoveryKeys = ["action_horizon_hours"]
    static let outboxKeys = [
        "max_attempts", "backoff_base_seconds", "backoff_max_seconds", "request_timeout_seconds", "batch_size",
        "poll_interval_ms", "lease_seconds",
    ]

    static func stressWeights(_ section: YAMLField) throws(RecoveryConfigError) -> StressWeights {
        var weights = StressWeights()
        let keys = try section.entries(allowed: stressKeys)
        if let value = keys["cash_flow_threshold"] { weights.cashFlowThreshold = try value.int(in: 0...100) }
        if let value = keys["soft_decline_window_days"] { weights.softDeclineWindowDays = try value.int(in: 1...3_650) }
        guard let table = keys["weights"], !table.isNull else { return weights }
        let points: [(String, WritableKeyPath<StressWeights, Int>)] = [
            ("insufficient_funds", \.insufficientFunds), ("repeated_soft_declines", \.repeatedSoftDeclines),
            ("lengthening_days_to_pay", \.lengtheningDaysToPay), ("partial_payments", \.partialPayments),
            ("month_end_clustering", \.monthEndClustering), ("account_still_active", \.accountStillActive),
        ]
        let values = try table.entries(allowed: weightKeys)
        for (key, path) in points {
            if let value = values[key] { weights[keyPath: path] = try value.int(in: 0...100) }
        }
        return weights
    }

    static func readOutbox(_ section: YAMLField, into settings: inout RecoverySettings) throws(RecoveryConfigError) {
        let keys = try section.entries(allowed: outboxKeys)
        if let value = keys["max_attempts"] { settings.maxAttempts = try value.int(in: 1...1_000) }
        if let value = keys["backoff_base_seconds"] { settings.backoffBaseSeconds = try value.int(in: 1...86_400) }
        if let value = keys["backoff_max_seconds"] { settings.backoffMaxSeconds = try value.int(in: 1...604_800) }
        if let value = keys["request_timeout_seconds"] { settings.requestTimeoutSeconds = try value.int(in: 1...3_600) }
        if let value = keys["batch_size"] { settings.batchSize = try value.int(in: 1...1_000) }
        if let value = keys["poll_interval_ms"] { settings.pollIntervalMilliseconds = try value.int(in: 10...3_600_000) }
        if let value = keys["lease_seconds"] { settings.leaseSeconds = try value.int(in: 1...86_400) }
        guard settings.backoffMaxSeconds >= settings.backoffBaseSeconds else {
            throw .invalid(
                key: "outbox.backoff_max_seconds",
                problem: "must be at least backoff_base_seconds (\(settings.backoffBaseSeconds)), got \(settings.backoffMaxSeconds)")
        }
        // A lease that ends while its call is still running lets another instance send the
        // action again: refuse it rather than deliver twice.
        if let lease = settings.leaseSeconds, lease < settings.requestTimeoutSeconds + RecoverySettings.leaseMarginSeconds {
            throw .invalid(
                key: "outbox.lease_seconds",
                problem: "must be at least request_timeout_seconds (\(settings.requestTimeoutSeconds)) + \(RecoverySettings.leaseMarginSeconds), got \(lease)")
        }
    }
}
