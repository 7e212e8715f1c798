import Foundation
import LifelineConfig
import LifelineCore
import Testing

/// The shipped `config/lifeline.yaml`, read the way the server reads it.
private let lifelineYAMLPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("config/lifeline.yaml").path

/// A one-rule playbook around the given step lines (already indented under `steps:`).
private func playbookYAML(_ steps: String, match: String = "{ categories: [technical] }") -> String {
    """
    playbooks:
      only:
        match: \(match)
        steps:
    \(steps)
    """
}

/// The error message a YAML text is refused with, or nil when it loads.
private func refusal(_ yaml: String) -> String? {
    do {
        _ = try RecoveryConfigLoader.load(yaml: yaml)
        return nil
    } catch {
        return error.description
    }
}

private let actionKinds = "financing_offer, dunning_email, retry_payment, notify_ops"

@Suite("Recovery settings from config/lifeline.yaml")
struct RecoveryConfigLoaderTests {
    @Test("the shipped file spells out exactly the built-in defaults")
    func shippedFile() throws {
        let settings = try RecoveryConfigLoader.load(path: lifelineYAMLPath)
        #expect(settings.weights == StressWeights())
        #expect(settings.playbook.rules.map(\.name) == Playbook.default.rules.map(\.name))
        for (loaded, builtIn) in zip(settings.playbook.rules, Playbook.default.rules) {
            #expect(loaded == builtIn, "rule \(builtIn.name)")
        }
        #expect(settings.playbook == .default)
        #expect(settings == RecoverySettings())
    }

    @Test("missing sections, empty sections and an empty file mean the defaults")
    func defaults() throws {
        let expected = RecoverySettings(
            weights: StressWeights(), playbook: .default, maxAttempts: 8, backoffBaseSeconds: 30, backoffMaxSeconds: 3_600,
            requestTimeoutSeconds: 10)
        #expect(try RecoveryConfigLoader.load(yaml: "") == expected)
        #expect(try RecoveryConfigLoader.load(yaml: "http:\n  port: 8080\n") == expected)
        #expect(try RecoveryConfigLoader.load(yaml: "stress:\nplaybooks:\noutbox:\n") == expected)
        #expect(try RecoveryConfigLoader.load(yaml: "stress: {}\noutbox: {}\n") == expected)
    }

    @Test("values given override the defaults one by one")
    func overrides() throws {
        let settings = try RecoveryConfigLoader.load(yaml: """
            stress:
              cash_flow_threshold: 60
              soft_decline_window_days: 90
              weights: { insufficient_funds: 40, account_still_active: 5 }
            outbox:
              max_attempts: 3
              backoff_max_seconds: 600
              batch_size: 4
              poll_interval_ms: 250
            """)
        var weights = StressWeights()
        weights.cashFlowThreshold = 60
        weights.softDeclineWindowDays = 90
        weights.insufficientFunds = 40
        weights.accountStillActive = 5
        #expect(settings.weights == weights)
        #expect(settings.maxAttempts == 3)
        #expect(settings.backoffBaseSeconds == 30)
        #expect(settings.backoffMaxSeconds == 600)
        #expect(settings.requestTimeoutSeconds == 10)
        #expect(settings.batchSize == 4)
        #expect(settings.pollIntervalMilliseconds == 250)
        #expect(settings.leaseSeconds == nil && settings.effectiveLeaseSeconds == 60)
        // Without a playbooks section the built-in rules follow the tuned threshold.
        #expect(settings.playbook == .standard(cashFlowThreshold: 60))
    }

    @Test("the outbox lease outlasts a call: derived from the request timeout unless set, and refused if set too short")
    func lease() throws {
        #expect(RecoverySettings().effectiveLeaseSeconds == 60)
        let slowPartner = try RecoveryConfigLoader.load(yaml: "outbox:\n  request_timeout_seconds: 90\n")
        #expect(slowPartner.leaseSeconds == nil && slowPartner.effectiveLeaseSeconds == 120)
        let explicit = try RecoveryConfigLoader.load(yaml: "outbox:\n  request_timeout_seconds: 90\n  lease_seconds: 300\n")
        #expect(explicit.effectiveLeaseSeconds == 300)
        #expect(refusal("outbox:\n  request_timeout_seconds: 45\n  lease_seconds: 60\n")
            == "outbox.lease_seconds: must be at least request_timeout_seconds (45) + 30, got 60")
    }

    @Test("rules and steps keep the file's order; extra step keys become text parameters")
    func playbookParsing() throws {
        let settings = try RecoveryConfigLoader.load(yaml: """
            playbooks:
              zeta:
                match: { categories: cash_flow, min_score: 40, max_score: 90, min_amount: 100, max_amount: 500000, min_tenure_days: 7, max_tenure_days: 365, segments: [tpe, pme] }
                steps:
                  offer: { action: financing_offer, partner: acme, terms: factoring, delay: 36h }
                  retry: { action: retry_payment, delay: payday, fallback: 30m }
                  mail: { action: dunning_email, template: card_update, step: 2 }
              alpha:
                steps: {}
              catch-all:
                match:
                steps:
                  ops: { action: notify_ops, delay: 45s }
            """)
        #expect(settings.playbook == Playbook(rules: [
            PlaybookRule(
                name: "zeta",
                match: PlaybookMatch(categories: [.cashFlow], minScore: 40, maxScore: 90, minAmount: 100, maxAmount: 500_000, minTenureDays: 7, maxTenureDays: 365, segments: ["tpe", "pme"]),
                steps: [
                    PlaybookStep(name: "offer", kind: .financingOffer, schedule: .after(seconds: 129_600), partner: "acme", parameters: ["terms": "factoring"]),
                    PlaybookStep(name: "retry", kind: .retryPayment, schedule: .payday(fallbackSeconds: 1_800)),
                    PlaybookStep(name: "mail", kind: .dunningEmail, schedule: .after(seconds: 0), parameters: ["template": "card_update", "step": "2"]),
                ]),
            PlaybookRule(name: "alpha", steps: []),
            PlaybookRule(name: "catch-all", steps: [PlaybookStep(name: "ops", kind: .notifyOps, schedule: .after(seconds: 45))]),
        ]))
    }

    @Test("an explicitly empty playbook plans nothing")
    func emptyPlaybook() throws {
        #expect(try RecoveryConfigLoader.load(yaml: "playbooks: {}\n").playbook == Playbook(rules: []))
    }

    @Test("mistakes are refused with the key that holds them", arguments: [
        (playbookYAML("      s: { action: sms }"),
         "playbooks.only.steps.s.action: unknown action kind 'sms' (expected one of \(actionKinds))"),
        (playbookYAML("      s: { action: retry_payment, delay: 2 days }"),
         "playbooks.only.steps.s.delay: delay must be like 2d, 36h, 30m, 45s or 'payday', got '2 days'"),
        (playbookYAML("      s: { action: retry_payment, delay: 2w }"),
         "playbooks.only.steps.s.delay: delay must be like 2d, 36h, 30m, 45s or 'payday', got '2w'"),
        (playbookYAML("      s: { action: retry_payment, delay: payday }"),
         "playbooks.only.steps.s: fallback is required with delay: payday (used when the customer has no payment history)"),
        (playbookYAML("      s: { action: retry_payment, delay: payday, fallback: soon }"),
         "playbooks.only.steps.s.fallback: fallback must be like 2d, 36h, 30m or 45s, got 'soon'"),
        (playbookYAML("      s: { action: retry_payment, delay: 1d, fallback: 3d }"),
         "playbooks.only.steps.s.fallback: fallback only applies with delay: payday"),
        (playbookYAML("      s: { delay: 1d }"),
         "playbooks.only.steps.s: action is required (one of \(actionKinds))"),
        (playbookYAML("      s: { action: financing_offer }"),
         "playbooks.only.steps.s: partner is required for financing_offer (a name under partners:)"),
        (playbookYAML("      s: { action: notify_ops, partner: acme }"),
         "playbooks.only.steps.s.partner: partner only applies to financing_offer"),
        (playbookYAML("      s: { action: dunning_email, template: }"),
         "playbooks.only.steps.s.template: must be a value"),
        (playbookYAML("      s: { action: notify_ops }", match: "{ categories: [technical, late] }"),
         "playbooks.only.match.categories[1]: unknown category 'late' (expected one of cash_flow, technical, payment_method, hard_decline, voluntary_dispute)"),
        (playbookYAML("      s: { action: notify_ops }", match: "{ categories: [] }"),
         "playbooks.only.match.categories: must not be empty; leave the key out to match anything"),
        (playbookYAML("      s: { action: notify_ops }", match: "{ min_score: 80, max_score: 20 }"),
         "playbooks.only.match.max_score: must be at least the minimum (80), got 20"),
        (playbookYAML("      s: { action: notify_ops }", match: "{ min_score: 120 }"),
         "playbooks.only.match.min_score: must be between 0 and 100, got 120"),
        (playbookYAML("      s: { action: notify_ops }", match: "{ max_amount: 49.90 }"),
         "playbooks.only.match.max_amount: must be a whole number, got '49.90'"),
        (playbookYAML("      s: { action: notify_ops }", match: "{ category: [technical] }"),
         "playbooks.only.match.category: unknown key; did you mean `categories`? (expected one of categories, min_score, max_score, min_amount, max_amount, min_tenure_days, max_tenure_days, segments)"),
        ("playbooks:\n  only:\n    match: {}\n",
         "playbooks.only: steps is required (use steps: {} to do nothing)"),
        ("playbooks:\n  - { action: notify_ops }\n",
         "playbooks: must be a map of rule name to rule, in order (lifeline.yaml cannot hold lists of maps)"),
        ("playbooks:\n  only:\n    steps:\n      - { action: notify_ops }\n",
         "playbooks.only.steps: must be a map of step name to step, in order (lifeline.yaml cannot hold lists of maps)"),
        ("stress:\n  weights:\n    insufficent_funds: 30\n",
         "stress.weights.insufficent_funds: unknown key; did you mean `insufficient_funds`? (expected one of insufficient_funds, repeated_soft_declines, lengthening_days_to_pay, partial_payments, month_end_clustering, account_still_active)"),
        ("stress:\n  cash_flow_threshold: high\n",
         "stress.cash_flow_threshold: must be a whole number, got 'high'"),
        ("outbox:\n  max_attempts: 0\n",
         "outbox.max_attempts: must be between 1 and 1000, got 0"),
        ("outbox:\n  backoff_base_seconds: 60\n  backoff_max_seconds: 30\n",
         "outbox.backoff_max_seconds: must be at least backoff_base_seconds (60), got 30"),
        ("outbox:\n  batch_size: 0\n",
         "outbox.batch_size: must be between 1 and 1000, got 0"),
        ("outbox:\n  poll_interval_ms: 5\n",
         "outbox.poll_interval_ms: must be between 10 and 3600000, got 5"),
    ])
    func refusals(yaml: String, message: String) {
        #expect(refusal(yaml) == message)
    }

    @Test("broken YAML and a missing file are reported as such")
    func unreadable() {
        #expect(refusal("playbooks: [unclosed\n")?.hasPrefix("recovery settings are not valid YAML") == true)
        #expect(refusal("playbooks:\n  a: { steps: {} }\n  a: { steps: {} }\n")?.hasPrefix("recovery settings are not valid YAML") == true)
        #expect(throws: RecoveryConfigError.self) { try RecoveryConfigLoader.load(path: "/nonexistent/lifeline.yaml") }
    }
}
