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

    public init(
        weights: StressWeights = StressWeights(), playbook: Playbook = .default, maxAttempts: Int = 8,
        backoffBaseSeconds: Int = 30, backoffMaxSeconds: Int = 3_600, requestTimeoutSeconds: Int = 10
    ) {
        self.weights = weights
        self.playbook = playbook
        self.maxAttempts = maxAttempts
        self.backoffBaseSeconds = backoffBaseSeconds
        self.backoffMaxSeconds = backoffMaxSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
    }
}

/// Reads the `stress:`, `playbooks:` and `outbox:` sections of `config/lifeline.yaml` with Yams
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
        return settings
    }

    static func stressWeights(_ section: YAMLField) throws(RecoveryConfigError) -> StressWeights {
        var weights = StressWeights()
        let keys = try section.entries(allowed: ["weights", "cash_flow_threshold", "soft_decline_window_days"])
        if let value = keys["cash_flow_threshold"] { weights.cashFlowThreshold = try value.int(in: 0...100) }
        if let value = keys["soft_decline_window_days"] { weights.softDeclineWindowDays = try value.int(in: 1...3_650) }
        guard let table = keys["weights"], !table.isNull else { return weights }
        let points: [(String, WritableKeyPath<StressWeights, Int>)] = [
            ("insufficient_funds", \.insufficientFunds), ("repeated_soft_declines", \.repeatedSoftDeclines),
            ("lengthening_days_to_pay", \.lengtheningDaysToPay), ("partial_payments", \.partialPayments),
            ("month_end_clustering", \.monthEndClustering), ("account_still_active", \.accountStillActive),
        ]
        let values = try table.entries(allowed: points.map(\.0))
        for (key, path) in points {
            if let value = values[key] { weights[keyPath: path] = try value.int(in: 0...100) }
        }
        return weights
    }

    static func readOutbox(_ section: YAMLField, into settings: inout RecoverySettings) throws(RecoveryConfigError) {
        let keys = try section.entries(allowed: ["max_attempts", "backoff_base_seconds", "backoff_max_seconds", "request_timeout_seconds"])
        if let value = keys["max_attempts"] { settings.maxAttempts = try value.int(in: 1...1_000) }
        if let value = keys["backoff_base_seconds"] { settings.backoffBaseSeconds = try value.int(in: 1...86_400) }
        if let value = keys["backoff_max_seconds"] { settings.backoffMaxSeconds = try value.int(in: 1...604_800) }
        if let value = keys["request_timeout_seconds"] { settings.requestTimeoutSeconds = try value.int(in: 1...3_600) }
        guard settings.backoffMaxSeconds >= settings.backoffBaseSeconds else {
            throw .invalid(
                key: "outbox.backoff_max_seconds",
                problem: "must be at least backoff_base_seconds (\(settings.backoffBaseSeconds)), got \(settings.backoffMaxSeconds)")
        }
    }
}
