import LifelineCore
import Yams

/// The `playbooks:` section: a map of rule name → `{ match, steps }`, tried in file order, each
/// step a map of step name → `{ action, delay, … }`. Maps rather than lists because
/// swift-configuration, which reads the same file, refuses lists of maps.
extension RecoveryConfigLoader {
    static let stepKeys = ["action", "delay", "fallback", "partner"]
    /// Keys of a rule under `playbooks:`.
    static let ruleKeys = ["match", "steps"]
    /// Keys of a rule's `match:`.
    static let matchKeys = [
        "categories", "min_score", "max_score", "min_amount", "max_amount", "min_tenure_days", "max_tenure_days", "segments",
    ]

    static func playbook(_ section: YAMLField) throws(RecoveryConfigError) -> Playbook {
        if section.node.sequence != nil {
            throw section.fail("must be a map of rule name to rule, in order (lifeline.yaml cannot hold lists of maps)")
        }
        var rules: [PlaybookRule] = []
        for (name, field) in try section.entries() {
            rules.append(try rule(name: name, field))
        }
        return Playbook(rules: rules)
    }

    static func rule(name: String, _ field: YAMLField) throws(RecoveryConfigError) -> PlaybookRule {
        let keys = try field.entries(allowed: ruleKeys)
        let match = try keys["match"].map { (field) throws(RecoveryConfigError) in try self.match(field) } ?? PlaybookMatch()
        guard let stepsField = keys["steps"] else { throw field.fail("steps is required (use steps: {} to do nothing)") }
        var steps: [PlaybookStep] = []
        if stepsField.node.sequence != nil {
            throw stepsField.fail("must be a map of step name to step, in order (lifeline.yaml cannot hold lists of maps)")
        }
        for (stepName, stepField) in try stepsField.entries() {
            steps.append(try step(name: stepName, stepField))
        }
        return PlaybookRule(name: name, match: match, steps: steps)
    }

    static func match(_ field: YAMLField) throws(RecoveryConfigError) -> PlaybookMatch {
        var match = PlaybookMatch()
        if field.isNull { return match }
        let keys = try field.entries(allowed: matchKeys).filter { !$0.value.isNull }
        if let categories = keys["categories"] {
            match.categories = []
            for item in try categories.items() {
                let text = try item.string()
                guard let category = FailureCategory(rawValue: text) else {
                    let expected = FailureCategory.allCases.map(\.rawValue).joined(separator: ", ")
                    throw item.fail("unknown category '\(text)' (expected one of \(expected))")
                }
                match.categories?.append(category)
            }
        }
        if let value = keys["min_score"] { match.minScore = try value.int(in: 0...100) }
        if let value = keys["max_score"] { match.maxScore = try value.int(in: 0...100) }
        if let value = keys["min_amount"] { match.minAmount = try value.int64(in: 0...Int64.max) }
        if let value = keys["max_amount"] { match.maxAmount = try value.int64(in: 0...Int64.max) }
        if let value = keys["min_tenure_days"] { match.minTenureDays = try value.int(in: 0...100_000) }
        if let value = keys["max_tenure_days"] { match.maxTenureDays = try value.int(in: 0...100_000) }
        if let segments = keys["segments"] {
            match.segments = []
            for item in try segments.items() { match.segments?.append(try item.string()) }
        }
        try checkOrder(match.minScore.map(Int64.init), match.maxScore.map(Int64.init), keys["max_score"])
        try checkOrder(match.minAmount, match.maxAmount, keys["max_amount"])
        try checkOrder(match.minTenureDays.map(Int64.init), match.maxTenureDays.map(Int64.init), keys["max_tenure_days"])
        return match
    }

    /// A minimum above its maximum would silently match nothing.
    static func checkOrder(_ low: Int64?, _ high: Int64?, _ field: YAMLField?) throws(RecoveryConfigError) {
        if let low, let high, let field, low > high {
            throw field.fail("must be at least the minimum (\(low)), got \(high)")
        }
    }

    static func step(name: String, _ field: YAMLField) throws(RecoveryConfigError) -> PlaybookStep {
        let entries = try field.entries()
        let keys = Dictionary(entries.map { ($0.key, $0.field) }, uniquingKeysWith: { first, _ in first })
        guard let actionField = keys["action"] else {
            throw field.fail("action is required (one of \(actionKinds))")
        }
        let actionText = try actionField.string()
        guard let kind = ActionKind(rawValue: actionText) else {
            throw actionField.fail("unknown action kind '\(actionText)' (expected one of \(actionKinds))")
        }
        let schedule = try schedule(delay: keys["delay"], fallback: keys["fallback"], step: field)
        var partner: String?
        if let partnerField = keys["partner"] {
            guard kind == .financingOffer else { throw partnerField.fail("partner only applies to financing_offer") }
            partner = try partnerField.string()
        } else if kind == .financingOffer {
            throw field.fail("partner is required for financing_offer (a name under partners:)")
        }
        var parameters: [String: String] = [:]
        for (key, value) in entries where !stepKeys.contains(key) {
            parameters[key] = try value.string()
        }
        return PlaybookStep(name: name, kind: kind, schedule: schedule, partner: partner, parameters: parameters)
    }

    static var actionKinds: String { ActionKind.allCases.map(\.rawValue).joined(separator: ", ") }

    /// `delay` defaults to `0s`; `fallback` goes with `delay: payday` and only with it.
    static func schedule(delay: YAMLField?, fallback: YAMLField?, step: YAMLField) throws(RecoveryConfigError) -> StepSchedule {
        let delayText = try delay?.string() ?? "0s"
        if delayText == "payday" {
            guard let fallback else {
                throw step.fail("fallback is required with delay: payday (used when the customer has no payment history)")
            }
            let text = try fallback.string()
            guard let seconds = DelayText.parse(text) else {
                throw fallback.fail("fallback must be like 2d, 36h, 30m or 45s, got '\(text)'")
            }
            return .payday(fallbackSeconds: seconds)
        }
        if let fallback { throw fallback.fail("fallback only applies with delay: payday") }
        guard let seconds = DelayText.parse(delayText) else {
            throw (delay ?? step).fail("delay must be like 2d, 36h, 30m, 45s or 'payday', got '\(delayText)'")
        }
        return .after(seconds: seconds)
    }
}
