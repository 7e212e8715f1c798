import Foundation
import LifelineCore
import Testing

private let day: Int64 = 86_400

private func utc(_ year: Int, _ month: Int, _ day: Int, hour: Int = 0, minute: Int = 0) -> Int64 {
    UTCDate(year: year, month: month, day: day).unixSeconds(hour: hour, minute: minute)
}

/// Wednesday 2025-03-12 10:00 UTC.
private let now = utc(2025, 3, 12, hour: 10)

private func context(
    _ category: FailureCategory, score: Int = 0, amount: Int64 = 4_900, tenure: Int = 120, segment: String? = nil,
    paydays: [Int] = []
) -> DecisionContext {
    let recoveryCase = RecoveryCase(
        id: "case_1", customerID: "cus_1", currency: "eur", category: category, mrrAtRisk: 4_900, amountDue: amount,
        stressScore: score, stressReasons: [], invoiceIDs: ["in_1"], openedAt: now, updatedAt: now)
    return DecisionContext(recoveryCase: recoveryCase, segment: segment, tenureDays: tenure, paydays: paydays, now: now)
}

private func decide(_ context: DecisionContext, _ playbook: Playbook = .default) -> Decision {
    PlaybookEngine.decide(playbook, context: context)
}

private func notify(_ name: String = "ops") -> PlaybookStep {
    PlaybookStep(name: name, kind: .notifyOps, schedule: .after(seconds: 0))
}

@Suite("Playbook engine and payday scheduling")
struct PlaybookEngineTests {
    // MARK: default rules, one per category

    @Test("stressed cash flow on an established customer: financing offer now, plan email in 2 days, payday retry")
    func cashFlowFinancing() {
        let decision = decide(context(.cashFlow, score: 72, tenure: 120))
        #expect(decision.ruleName == "cash-flow-financing")
        #expect(decision.reason == "rule cash-flow-financing: category cash_flow, score 72 ≥ 50, tenure 120 d ≥ 30")
        #expect(decision.steps == [
            PlannedStep(name: "offer", kind: .financingOffer, target: "sandbox", parameters: ["terms": "instalments_3"], dueAt: now,
                        reason: "rule cash-flow-financing, step offer: financing_offer now"),
            PlannedStep(name: "plan-email", kind: .dunningEmail, target: nil, parameters: ["template": "payment_plan", "step": "1"], dueAt: now + 2 * day,
                        reason: "rule cash-flow-financing, step plan-email: dunning_email in 2d"),
            PlannedStep(name: "payday-retry", kind: .retryPayment, target: nil, parameters: [:], dueAt: now + 5 * day,
                        reason: "rule cash-flow-financing, step payday-retry: retry_payment in 5d (no payday history)"),
        ])
    }

    @Test("the financing rule starts exactly at the threshold score and 30 days' tenure",
          arguments: [(50, 30, "cash-flow-financing"), (49, 120, "cash-flow-retry"), (100, 29, "cash-flow-retry"), (0, 0, "cash-flow-retry")])
    func cashFlowEdges(score: Int, tenure: Int, rule: String) {
        #expect(decide(context(.cashFlow, score: score, tenure: tenure)).ruleName == rule)
    }

    @Test("cash flow below the threshold: payday retry (3 days without history) and a reminder after a day")
    func cashFlowRetry() {
        let decision = decide(context(.cashFlow, score: 20))
        #expect(decision.reason == "rule cash-flow-retry: category cash_flow")
        #expect(decision.steps.map(\.kind) == [.retryPayment, .dunningEmail])
        #expect(decision.steps.map(\.dueAt) == [now + 3 * day, now + day])
        #expect(decision.steps[1].parameters == ["template": "reminder", "step": "1"])
    }

    @Test("payment method: card update now, second step in 3 days, retry in 5")
    func paymentMethod() {
        let decision = decide(context(.paymentMethod, score: 90))
        #expect(decision.ruleName == "payment-method-update")
        #expect(decision.steps.map(\.kind) == [.dunningEmail, .dunningEmail, .retryPayment])
        #expect(decision.steps.map(\.dueAt) == [now, now + 3 * day, now + 5 * day])
        #expect(decision.steps.map { $0.parameters["step"] } == ["1", "2", nil])
        #expect(decision.steps[0].parameters["template"] == "card_update")
    }

    @Test("technical: retries after 1 and 3 days, then a reminder")
    func technical() {
        let decision = decide(context(.technical))
        #expect(decision.ruleName == "technical-retry")
        #expect(decision.steps.map(\.kind) == [.retryPayment, .retryPayment, .dunningEmail])
        #expect(decision.steps.map(\.dueAt) == [now + day, now + 3 * day, now + 4 * day])
        #expect(decision.steps.map(\.name) == ["first-retry", "second-retry", "reminder"])
    }

    @Test("hard decline: update request and ops, never a retry")
    func hardDecline() {
        let decision = decide(context(.hardDecline, score: 90))
        #expect(decision.ruleName == "hard-decline")
        #expect(decision.steps.map(\.kind) == [.dunningEmail, .notifyOps])
        #expect(!decision.steps.contains { $0.kind == .retryPayment })
        #expect(decision.steps[0].parameters["template"] == "update_request")
        #expect(decision.steps.allSatisfy { $0.dueAt == now })
    }

    @Test("voluntary refusal or dispute: ops only")
    func voluntary() {
        let decision = decide(context(.voluntaryDispute, score: 90))
        #expect(decision.ruleName == "voluntary-dispute")
        #expect(decision.steps.map(\.kind) == [.notifyOps])
    }

    @Test("every category has a default rule, and only cash flow is ever offered financing")
    func coverage() {
        for category in FailureCategory.allCases {
            let decision = decide(context(category, score: 100))
            #expect(decision.ruleName != nil, "\(category)")
            #expect(decision.steps.contains { $0.kind == .financingOffer } == (category == .cashFlow), "\(category)")
        }
    }

    @Test("a tuned threshold moves the financing rule's minimum score")
    func standardThreshold() {
        let strict = Playbook.standard(cashFlowThreshold: 70)
        #expect(decide(context(.cashFlow, score: 69), strict).ruleName == "cash-flow-retry")
        #expect(decide(context(.cashFlow, score: 70), strict).ruleName == "cash-flow-financing")
        #expect(Playbook.standard(cashFlowThreshold: 50) == .default)
    }

    // MARK: match filters

    @Test("segments: a listed segment matches, another or none does not")
    func segments() {
        let playbook = Playbook(rules: [PlaybookRule(name: "small", match: PlaybookMatch(segments: ["tpe", "pme"]), steps: [notify()])])
        let matched = decide(context(.technical, segment: "pme"), playbook)
        #expect(matched.reason == "rule small: segment pme")
        #expect(decide(context(.technical, segment: "enterprise"), playbook).ruleName == nil)
        #expect(decide(context(.technical, segment: nil), playbook).ruleName == nil)
    }

    @Test("amount, score and tenure bounds are inclusive",
          arguments: [
              (1_000, 10, 5, true), (500_000, 80, 60, true), (999, 10, 5, false), (500_001, 10, 5, false),
              (1_000, 9, 5, false), (1_000, 81, 5, false), (1_000, 10, 4, false), (1_000, 10, 61, false),
          ] as [(Int64, Int, Int, Bool)])
    func bounds(amount: Int64, score: Int, tenure: Int, matches: Bool) {
        let match = PlaybookMatch(minScore: 10, maxScore: 80, minAmount: 1_000, maxAmount: 500_000, minTenureDays: 5, maxTenureDays: 60)
        let playbook = Playbook(rules: [PlaybookRule(name: "bounded", match: match, steps: [notify()])])
        #expect((decide(context(.technical, score: score, amount: amount, tenure: tenure), playbook).ruleName != nil) == matches)
    }

    @Test("the reason lists every criterion that matched, in a fixed order")
    func reasonText() {
        let match = PlaybookMatch(categories: [.cashFlow, .technical], minScore: 50, maxAmount: 500_000, minTenureDays: 60, segments: ["tpe"])
        let playbook = Playbook(rules: [PlaybookRule(name: "cash-flow-financing", match: match, steps: [])])
        let decision = decide(context(.cashFlow, score: 72, amount: 4_900, tenure: 120, segment: "tpe"), playbook)
        #expect(decision.reason == "rule cash-flow-financing: category cash_flow, score 72 ≥ 50, amount 4900 ≤ 500000, tenure 120 d ≥ 60, segment tpe")
        #expect(decision.steps.isEmpty)
    }

    @Test("the first matching rule wins even when a later one matches too")
    func firstMatchWins() {
        let playbook = Playbook(rules: [
            PlaybookRule(name: "enterprise", match: PlaybookMatch(segments: ["enterprise"]), steps: [notify("account-manager")]),
            PlaybookRule(name: "catch-all", steps: [notify()]),
            PlaybookRule(name: "never", match: PlaybookMatch(categories: [.technical]), steps: [notify()]),
        ])
        let enterprise = decide(context(.technical, segment: "enterprise"), playbook)
        #expect(enterprise.ruleName == "enterprise")
        #expect(enterprise.steps.map(\.name) == ["account-manager"])
        let other = decide(context(.technical, segment: "tpe"), playbook)
        #expect(other.ruleName == "catch-all")
        #expect(other.reason == "rule catch-all: matches every case")
    }

    @Test("no matching rule: no steps, and the reason shows what the case looked like")
    func noMatch() {
        let playbook = Playbook(rules: [PlaybookRule(name: "only-cash", match: PlaybookMatch(categories: [.cashFlow]), steps: [notify()])])
        let decision = decide(context(.technical, score: 12, amount: 4_900, tenure: 3), playbook)
        #expect(decision == Decision(ruleName: nil, reason: "no playbook rule matched category technical, score 12, amount 4900, tenure 3 d, segment none", steps: []))
        #expect(decide(context(.technical), Playbook(rules: [])).ruleName == nil)
    }

    // MARK: payday scheduling

    @Test("payday retries go on the customer's usual paying day at 09:00 UTC")
    func paydayStep() {
        let decision = decide(context(.cashFlow, score: 72, paydays: [28, 5, 28]))
        let retry = decision.steps[2]
        #expect(retry.dueAt == utc(2025, 3, 28, hour: 9))
        #expect(retry.reason == "rule cash-flow-financing, step payday-retry: retry_payment on payday 2025-03-28 (usually pays on day 28)")
    }

    @Test("the next payday is strictly after the given time", arguments: [
        (utc(2025, 3, 10, hour: 12), utc(2025, 3, 28, hour: 9)),
        (utc(2025, 3, 28, hour: 8, minute: 59), utc(2025, 3, 28, hour: 9)),
        (utc(2025, 3, 28, hour: 9), utc(2025, 4, 28, hour: 9)),
        (utc(2025, 12, 29), utc(2026, 1, 28, hour: 9)),
    ])
    func nextPayday(after: Int64, expected: Int64) {
        #expect(PaydayScheduler.next(after: after, paydays: [28]) == expected)
    }

    @Test("days past a month's end fall on its last day", arguments: [
        (utc(2025, 4, 2), 31, utc(2025, 4, 30, hour: 9)),
        (utc(2025, 4, 30, hour: 10), 31, utc(2025, 5, 31, hour: 9)),
        (utc(2025, 2, 1), 31, utc(2025, 2, 28, hour: 9)),
        (utc(2024, 2, 1), 31, utc(2024, 2, 29, hour: 9)),
        (utc(2024, 2, 1), 30, utc(2024, 2, 29, hour: 9)),
        (utc(2025, 1, 31, hour: 10), 29, utc(2025, 2, 28, hour: 9)),
        (utc(2025, 3, 1), 29, utc(2025, 3, 29, hour: 9)),
    ])
    func clamping(after: Int64, payday: Int, expected: Int64) {
        #expect(PaydayScheduler.next(after: after, paydays: [payday]) == expected)
    }

    @Test("the most common day wins; a tie goes to the most recent; no valid history means nil")
    func usualDay() {
        #expect(PaydayScheduler.usualDay([5, 28, 28, 5, 28]) == 28)
        #expect(PaydayScheduler.usualDay([5, 28, 28, 5]) == 5)
        #expect(PaydayScheduler.usualDay([15]) == 15)
        #expect(PaydayScheduler.usualDay([]) == nil)
        #expect(PaydayScheduler.next(after: now, paydays: []) == nil)
        #expect(PaydayScheduler.next(after: now, paydays: [0, 32, -1]) == nil)
    }

    @Test("paydays come from paid invoices, most recent first, in UTC")
    func paydaysFromInvoices() {
        func invoice(_ id: String, paidAt: Int64?) -> InvoiceRecord {
            InvoiceRecord(id: id, customerID: "cus_1", subscriptionID: nil, currency: "eur", amountDue: 1, amountPaid: paidAt == nil ? 0 : 1,
                          amountRemaining: paidAt == nil ? 1 : 0, status: paidAt == nil ? .open : .paid, attempts: 1, dueAt: nil,
                          paidAt: paidAt, createdAt: 0, lastEventAt: 0)
        }
        let history = [
            invoice("a", paidAt: utc(2025, 1, 27, hour: 23, minute: 59)),
            invoice("b", paidAt: utc(2025, 3, 1)),
            invoice("c", paidAt: nil),
            invoice("d", paidAt: utc(2025, 2, 28, hour: 6)),
        ]
        #expect(PaydayScheduler.paydays(of: history) == [1, 28, 27])
    }

    // MARK: the calendar and delay helpers the schedule relies on

    @Test("UTC dates match Foundation's Gregorian calendar from 1900 to 2100")
    func calendar() {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "UTC")!
        // Every 7th day and the two after it, so every day of month and leap day comes up.
        var mismatches: [Int64] = []
        for days in stride(from: Int64(-25_567), through: 47_482, by: 7) {
            for offset in [Int64(0), 1, 2] {
                let seconds = (days + offset) * day + 43_210
                let parts = gregorian.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
                let date = UTCDate(unixSeconds: seconds)
                if [date.year, date.month, date.day] != [parts.year, parts.month, parts.day] || date.daysSinceEpoch != days + offset
                    || date.day > UTCDate.daysInMonth(year: date.year, month: date.month) {
                    mismatches.append(seconds)
                }
            }
        }
        #expect(mismatches.isEmpty)
        #expect(UTCDate(unixSeconds: -1) == UTCDate(year: 1969, month: 12, day: 31))
        #expect(UTCDate(unixSeconds: 0) == UTCDate(year: 1970, month: 1, day: 1))
    }

    @Test("delays parse and print as 2d, 36h, 30m, 45s", arguments: [
        ("2d", Int64(172_800)), ("36h", 129_600), ("30m", 1_800), ("45s", 45), ("0s", 0),
    ])
    func delays(text: String, seconds: Int64) {
        #expect(DelayText.parse(text) == seconds)
        #expect(DelayText.parse(DelayText.format(seconds)) == seconds)
    }

    @Test("anything else is not a delay", arguments: ["", "d", "2", "2 days", "-1d", "1.5h", "2w", "+3d", "99999999999999999d", "payday"])
    func badDelays(text: String) {
        #expect(DelayText.parse(text) == nil)
    }

    @Test("delays print in their largest whole unit")
    func delayFormat() {
        #expect(DelayText.format(2 * day) == "2d")
        #expect(DelayText.format(36 * 3_600) == "36h")
        #expect(DelayText.format(5_400) == "90m")
        #expect(DelayText.format(61) == "61s")
        #expect(DelayText.format(0) == "0s")
    }
}
