/// The individual cash-flow stress signals; each answers with a human-readable reason or nil.
/// Kept apart from the weighting so each rule can be read and tested on its own.
enum StressSignals {
    /// Codes that mean "the money is not on the account" whatever the table says.
    static let insufficientFundsCodes: Set<String> = ["insufficient_funds", "am04", "ms03", "refer_to_payer"]

    /// Days to pay must grow by at least this much: a day's drift is noise, not stress.
    static let minimumDaysToPayGrowth: Int64 = 2

    /// How many recent paid invoices the days-to-pay trend looks at.
    static let daysToPayWindow = 6

    /// An insufficient-funds code on the current failure, or a failure classified as cash flow.
    static func insufficientFunds(_ failure: PaymentFailureRecord) -> String? {
        // Same precedence as the classifier: the advice code speaks first.
        let fields: [(String, String?)] = [
            ("advice code", failure.adviceCode), ("decline code", failure.declineCode),
            ("bank reason code", failure.bankReasonCode), ("failure code", failure.failureCode),
        ]
        for (field, code) in fields {
            if let code, insufficientFundsCodes.contains(code.lowercased()) {
                return "insufficient funds (\(field) \(code))"
            }
        }
        guard failure.category == .cashFlow else { return nil }
        if let match = fields.first(where: { $0.1 != nil }), let code = match.1 {
            return "cash-flow failure (\(match.0) \(code))"
        }
        return "cash-flow failure (category cash_flow)"
    }

    /// Soft declines (cash flow or technical) in the window ending at the current failure.
    static func softDeclineCount(_ failures: [PaymentFailureRecord], endingAt now: Int64, windowDays: Int) -> Int {
        let start = now - Int64(windowDays) * UTCDate.secondsPerDay
        return failures.filter { failure in
            (failure.category == .cashFlow || failure.category == .technical)
                && failure.occurredAt >= start && failure.occurredAt <= now
        }.count
    }

    /// Whole days from due date (or creation) to payment for each paid invoice, oldest first.
    static func daysToPay(_ invoices: [InvoiceRecord]) -> [Int64] {
        invoices
            .compactMap { invoice -> (base: Int64, id: String, days: Int64)? in
                guard let paidAt = invoice.paidAt else { return nil }
                let base = invoice.dueAt ?? invoice.createdAt
                return (base, invoice.id, max(0, UTCDate.floorDivide(paidAt - base, UTCDate.secondsPerDay)))
            }
            .sorted { ($0.base, $0.id) < ($1.base, $1.id) }
            .map(\.days)
    }

    /// The recent run (≥ 3 invoices, within the window) over which days to pay mostly grew the
    /// most; among equal growths the longer run, as the broader trend.
    static func lengtheningDaysToPay(_ invoices: [InvoiceRecord]) -> String? {
        let days = Array(daysToPay(invoices).suffix(daysToPayWindow))
        guard days.count >= 3 else { return nil }
        var best: [Int64]?
        for length in stride(from: days.count, through: 3, by: -1) {
            let run = Array(days.suffix(length))
            guard isLengthening(run) else { continue }
            if let current = best, current[current.count - 1] - current[0] >= run[run.count - 1] - run[0] { continue }
            best = run
        }
        guard let run = best else { return nil }
        return "days to pay grew from \(run[0]) to \(run[run.count - 1]) over the last \(run.count) paid invoices"
    }

    /// Mostly increasing: at least half the steps go up, more go up than down, and the last
    /// value exceeds the first by the minimum growth.
    static func isLengthening(_ run: [Int64]) -> Bool {
        guard let first = run.first, let last = run.last, last - first >= minimumDaysToPayGrowth else { return false }
        let steps = zip(run, run.dropFirst())
        let increases = steps.filter { $0.1 > $0.0 }.count
        let decreases = steps.filter { $0.1 < $0.0 }.count
        return increases > decreases && increases * 2 >= run.count - 1
    }

    /// Invoices paid in part that still owe the rest.
    static func partialPayments(_ invoices: [InvoiceRecord]) -> String? {
        let partial = invoices
            .filter { $0.amountPaid > 0 && $0.amountRemaining > 0 && $0.status != .void && $0.status != .draft }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .map(\.id)
        switch partial.count {
        case 0: return nil
        case 1: return "partial payment on \(partial[0])"
        default: return "partial payments on \(partial.joined(separator: ", "))"
        }
    }

    /// Whether the 25th–3rd of the month: before the customer's own clients have paid it.
    static func isMonthEnd(_ seconds: Int64) -> Bool {
        let day = UTCDate(unixSeconds: seconds).day
        return day >= 25 || day <= 3
    }

    /// A majority of at least two failures fell around the turn of the month.
    static func monthEndClustering(_ failures: [PaymentFailureRecord]) -> String? {
        guard failures.count >= 2 else { return nil }
        let clustered = failures.filter { isMonthEnd($0.occurredAt) }.count
        guard clustered * 2 > failures.count else { return nil }
        return "failures cluster at month end (\(clustered) of \(failures.count) between the 25th and the 3rd)"
    }
}
