import LifelineCore
import Testing

/// Unix seconds of a UTC date at noon, so day-of-month checks never sit on a boundary.
private func at(_ year: Int, _ month: Int, _ day: Int, hour: Int = 12) -> Int64 {
    UTCDate(year: year, month: month, day: day).unixSeconds(hour: hour)
}

private func failure(
    _ id: String, at time: Int64, category: FailureCategory = .technical, declineCode: String? = nil,
    failureCode: String? = nil, bankReasonCode: String? = nil, adviceCode: String? = nil
) -> PaymentFailureRecord {
    PaymentFailureRecord(
        id: id, customerID: "cus_1", invoiceID: "in_1", subscriptionID: "sub_1", paymentID: nil, amount: 4_900,
        currency: "eur", attempt: 1, failureCode: failureCode, declineCode: declineCode, adviceCode: adviceCode,
        bankReasonCode: bankReasonCode, category: category, decidedBy: nil, isUnknownCode: false, nextAttemptAt: nil,
        occurredAt: time)
}

/// A paid invoice due on `due` and paid `days` later.
private func paid(_ id: String, due: Int64, afterDays days: Int64, dueAt hasDueDate: Bool = true) -> InvoiceRecord {
    InvoiceRecord(
        id: id, customerID: "cus_1", subscriptionID: "sub_1", currency: "eur", amountDue: 4_900, amountPaid: 4_900,
        amountRemaining: 0, status: .paid, attempts: 1, dueAt: hasDueDate ? due : nil, paidAt: due + days * 86_400 + 3_600,
        createdAt: hasDueDate ? due - 86_400 * 7 : due, lastEventAt: due)
}

private func partial(_ id: String, paid amountPaid: Int64, remaining: Int64, status: InvoiceStatus = .open) -> InvoiceRecord {
    InvoiceRecord(
        id: id, customerID: "cus_1", subscriptionID: "sub_1", currency: "eur", amountDue: amountPaid + remaining,
        amountPaid: amountPaid, amountRemaining: remaining, status: status, attempts: 1, dueAt: nil, paidAt: nil,
        createdAt: at(2025, 3, 1), lastEventAt: at(2025, 3, 1))
}

/// Invoices paid 2, 5 … days after their monthly due date, oldest first.
private func invoices(daysToPay: [Int64]) -> [InvoiceRecord] {
    daysToPay.enumerated().map { index, days in paid("in_\(index)", due: at(2024, 1 + index, 10), afterDays: days) }
}

private let weights = StressWeights()

@Suite("Cash-flow stress score")
struct StressScorerTests {
    @Test("default weights sum to 100 and the threshold is 50")
    func defaults() {
        let w = StressWeights()
        #expect(w.insufficientFunds + w.repeatedSoftDeclines + w.lengtheningDaysToPay + w.partialPayments + w.monthEndClustering + w.accountStillActive == 100)
        #expect(w.cashFlowThreshold == 50)
        #expect(w.isCashFlowStress(StressAssessment(score: 50, reasons: [])))
        #expect(!w.isCashFlowStress(StressAssessment(score: 49, reasons: [])))
    }

    @Test("insufficient funds on an active account reaches the threshold on its own")
    func insufficientFundsActive() {
        let input = StressInput(current: failure("f1", at: at(2025, 3, 12), category: .cashFlow, declineCode: "insufficient_funds"), subscriptionActive: true)
        let result = StressScorer.assess(input, weights: weights)
        #expect(result == StressAssessment(score: 50, reasons: ["insufficient funds (decline code insufficient_funds)", "account still active"]))
        #expect(weights.isCashFlowStress(result))
    }

    @Test("insufficient-funds codes count whatever field and case carries them, even if the table said otherwise",
          arguments: [
              (failure("f", at: 0, bankReasonCode: "AM04"), "insufficient funds (bank reason code AM04)"),
              (failure("f", at: 0, bankReasonCode: "ms03"), "insufficient funds (bank reason code ms03)"),
              (failure("f", at: 0, failureCode: "refer_to_payer"), "insufficient funds (failure code refer_to_payer)"),
              (failure("f", at: 0, declineCode: "INSUFFICIENT_FUNDS"), "insufficient funds (decline code INSUFFICIENT_FUNDS)"),
              (failure("f", at: 0, declineCode: "generic_decline", adviceCode: "insufficient_funds"), "insufficient funds (advice code insufficient_funds)"),
          ])
    func insufficientFundsCodes(current: PaymentFailureRecord, reason: String) {
        let result = StressScorer.assess(StressInput(current: current, subscriptionActive: false), weights: weights)
        #expect(result == StressAssessment(score: 35, reasons: [reason]))
    }

    @Test("a cash_flow failure with another code still counts, naming its code")
    func cashFlowCategory() {
        let current = failure("f1", at: at(2025, 3, 12), category: .cashFlow, declineCode: "card_velocity_exceeded")
        let result = StressScorer.assess(StressInput(current: current, subscriptionActive: false), weights: weights)
        #expect(result.reasons == ["cash-flow failure (decline code card_velocity_exceeded)"])
        let bare = StressScorer.assess(StressInput(current: failure("f2", at: 0, category: .cashFlow), subscriptionActive: false), weights: weights)
        #expect(bare.reasons == ["cash-flow failure (category cash_flow)"])
    }

    @Test("an expired card on a cancelled subscription scores 0 with no reasons")
    func nothing() {
        let current = failure("f1", at: at(2025, 3, 12), category: .paymentMethod, declineCode: "expired_card")
        #expect(StressScorer.assess(StressInput(current: current, subscriptionActive: false), weights: weights) == StressAssessment(score: 0, reasons: []))
    }

    @Test("three soft declines in 60 days earn the full weight, two earn half, older or hard ones none")
    func softDeclines() {
        let now = at(2025, 3, 12)
        let current = failure("f3", at: now, category: .technical)
        let recent = [failure("f1", at: now - 50 * 86_400, category: .cashFlow), failure("f2", at: now - 10 * 86_400, category: .technical)]
        let three = StressScorer.assess(StressInput(current: current, pastFailures: recent, subscriptionActive: false), weights: weights)
        #expect(three.reasons == ["3 soft declines in 60 days"])
        #expect(three.score == 15)

        let two = StressScorer.assess(StressInput(current: current, pastFailures: [recent[1]], subscriptionActive: false), weights: weights)
        #expect(two == StressAssessment(score: 7, reasons: ["2 soft declines in 60 days"]))

        let ignored = [
            failure("old", at: now - 61 * 86_400, category: .technical),
            failure("hard", at: now - 5 * 86_400, category: .hardDecline),
            failure("later", at: now + 86_400, category: .technical),
            current,  // the current failure listed again must not count twice
        ]
        let one = StressScorer.assess(StressInput(current: current, pastFailures: ignored, subscriptionActive: false), weights: weights)
        #expect(one.reasons.isEmpty)
    }

    @Test("the soft-decline window comes from the weights")
    func softDeclineWindow() {
        let now = at(2025, 3, 12)
        var custom = StressWeights()
        custom.softDeclineWindowDays = 90
        let input = StressInput(
            current: failure("f2", at: now), pastFailures: [failure("f1", at: now - 80 * 86_400)], subscriptionActive: false)
        #expect(StressScorer.assess(input, weights: custom).reasons == ["2 soft declines in 90 days"])
        #expect(StressScorer.assess(input, weights: weights).reasons.isEmpty)
    }

    @Test("days to pay that grow over the last paid invoices count, in time order whatever the input order")
    func lengthening() {
        let current = failure("f1", at: at(2025, 3, 12), category: .paymentMethod)
        let growing = invoices(daysToPay: [2, 5, 11]).reversed()
        let result = StressScorer.assess(StressInput(current: current, invoices: Array(growing), subscriptionActive: false), weights: weights)
        #expect(result == StressAssessment(score: 15, reasons: ["days to pay grew from 2 to 11 over the last 3 paid invoices"]))
    }

    @Test("mostly increasing counts; flat, falling, noisy or too short a history does not",
          arguments: [
              ([1, 3, 2, 6], "days to pay grew from 1 to 6 over the last 4 paid invoices"),
              ([0, 0, 3], "days to pay grew from 0 to 3 over the last 3 paid invoices"),
              ([10, 9, 8, 2, 5, 11], "days to pay grew from 2 to 11 over the last 3 paid invoices"),
              ([11, 5, 2], nil),
              ([2, 11, 5], nil),
              ([0, 0, 1], nil),
              ([4, 4, 4, 4], nil),
              ([2, 9], nil),
          ] as [([Int64], String?)])
    func lengtheningShapes(days: [Int64], reason: String?) {
        let current = failure("f1", at: at(2025, 3, 12), category: .paymentMethod)
        let result = StressScorer.assess(StressInput(current: current, invoices: invoices(daysToPay: days), subscriptionActive: false), weights: weights)
        #expect(result.reasons == (reason.map { [$0] } ?? []))
    }

    @Test("without a due date, days to pay count from the invoice's creation; early payment is 0 days")
    func daysToPayBase() {
        let current = failure("f1", at: at(2025, 3, 12), category: .paymentMethod)
        let history = [
            paid("in_a", due: at(2024, 1, 10), afterDays: -3),
            paid("in_b", due: at(2024, 2, 10), afterDays: 4, dueAt: false),
            paid("in_c", due: at(2024, 3, 10), afterDays: 9, dueAt: false),
        ]
        let result = StressScorer.assess(StressInput(current: current, invoices: history, subscriptionActive: false), weights: weights)
        #expect(result.reasons == ["days to pay grew from 0 to 9 over the last 3 paid invoices"])
    }

    @Test("partial payments are named by invoice; void and fully paid invoices are not")
    func partialPayments() {
        let current = failure("f1", at: at(2025, 3, 12), category: .paymentMethod)
        let one = StressScorer.assess(
            StressInput(current: current, invoices: [partial("in_123", paid: 2_000, remaining: 2_900), partial("in_void", paid: 100, remaining: 100, status: .void)], subscriptionActive: false),
            weights: weights)
        #expect(one == StressAssessment(score: 10, reasons: ["partial payment on in_123"]))
        let two = StressScorer.assess(
            StressInput(current: current, invoices: [partial("in_2", paid: 1, remaining: 1), partial("in_1", paid: 1, remaining: 1), paid("in_3", due: 0, afterDays: 0)], subscriptionActive: false),
            weights: weights)
        #expect(two.reasons == ["partial payments on in_1, in_2"])
    }

    @Test("failures mostly between the 25th and the 3rd cluster at month end")
    func monthEnd() {
        let current = failure("f4", at: at(2025, 4, 2), category: .paymentMethod)
        let past = [
            failure("f1", at: at(2025, 1, 25), category: .paymentMethod),
            failure("f2", at: at(2025, 2, 14), category: .paymentMethod),
            failure("f3", at: at(2025, 3, 31, hour: 23), category: .paymentMethod),
        ]
        let result = StressScorer.assess(StressInput(current: current, pastFailures: past, subscriptionActive: false), weights: weights)
        #expect(result == StressAssessment(score: 10, reasons: ["failures cluster at month end (3 of 4 between the 25th and the 3rd)"]))

        // Half is not a majority, and one failure is not a cluster.
        let half = StressScorer.assess(StressInput(current: current, pastFailures: [past[1]], subscriptionActive: false), weights: weights)
        #expect(half.reasons.isEmpty)
        let single = StressScorer.assess(StressInput(current: current, subscriptionActive: false), weights: weights)
        #expect(single.reasons.isEmpty)
        // The 4th and the 24th are not month end.
        let edges = StressScorer.assess(
            StressInput(current: failure("x", at: at(2025, 4, 4), category: .paymentMethod), pastFailures: [failure("y", at: at(2025, 3, 24), category: .paymentMethod)], subscriptionActive: false),
            weights: weights)
        #expect(edges.reasons.isEmpty)
    }

    @Test("every signal at once is capped at 100, reasons in a fixed order")
    func everything() {
        let now = at(2025, 3, 30)
        let current = failure("f3", at: now, category: .cashFlow, declineCode: "insufficient_funds")
        let past = [failure("f1", at: at(2025, 2, 27), category: .cashFlow), failure("f2", at: at(2025, 3, 1), category: .technical)]
        var heavy = StressWeights()
        heavy.insufficientFunds = 60
        let history = invoices(daysToPay: [1, 4, 8]) + [partial("in_p", paid: 100, remaining: 4_800)]
        let result = StressScorer.assess(StressInput(current: current, pastFailures: past, invoices: history, subscriptionActive: true), weights: heavy)
        #expect(result.score == 100)
        #expect(result.reasons == [
            "insufficient funds (decline code insufficient_funds)",
            "3 soft declines in 60 days",
            "days to pay grew from 1 to 8 over the last 3 paid invoices",
            "partial payment on in_p",
            "failures cluster at month end (3 of 3 between the 25th and the 3rd)",
            "account still active",
        ])
        #expect(StressScorer.assess(StressInput(current: current, pastFailures: past, invoices: history, subscriptionActive: true), weights: weights).score == 100)
    }

    @Test("a signal weighted 0 is switched off: no points and no reason")
    func zeroWeights() {
        let none = StressWeights(insufficientFunds: 0, repeatedSoftDeclines: 0, lengtheningDaysToPay: 0, partialPayments: 0, monthEndClustering: 0, accountStillActive: 0)
        let input = StressInput(current: failure("f1", at: at(2025, 3, 12), category: .cashFlow, declineCode: "insufficient_funds"), subscriptionActive: true)
        #expect(StressScorer.assess(input, weights: none) == StressAssessment(score: 0, reasons: []))
    }
}
