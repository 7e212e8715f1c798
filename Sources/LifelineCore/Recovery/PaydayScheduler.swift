/// Payday-aware retries: collect again on the day of month the customer usually pays, when
/// its own clients have paid it and the money is most likely there.
public enum PaydayScheduler {
    /// Retries go out at 09:00 UTC, after overnight bank settlement.
    public static let hourUTC = 9

    /// The next 09:00 UTC strictly after `after` on the most common paying day (ties go to the
    /// most recent); days past the month's end fall on its last day. nil without history.
    public static func next(after: Int64, paydays: [Int]) -> Int64? {
        guard let day = usualDay(paydays) else { return nil }
        var month = UTCDate(unixSeconds: after)
        month.day = 1
        // Two months always suffice: this month's date, else next month's.
        for _ in 0..<2 {
            let clamped = min(day, UTCDate.daysInMonth(year: month.year, month: month.month))
            let candidate = UTCDate(year: month.year, month: month.month, day: clamped).unixSeconds(hour: hourUTC)
            if candidate > after { return candidate }
            month = month.nextMonth
        }
        return nil
    }

    /// The most common valid day of month; among equals, the one seen most recently.
    public static func usualDay(_ paydays: [Int]) -> Int? {
        let valid = paydays.filter { (1...31).contains($0) }
        var counts: [Int: Int] = [:]
        for day in valid { counts[day, default: 0] += 1 }
        // `valid` is most recent first, so the first day with the top count is the most recent.
        let top = counts.values.max()
        return valid.first { counts[$0] == top }
    }

    /// The UTC days of month of the invoices' payments, most recent first: `DecisionContext.paydays`.
    public static func paydays(of invoices: [InvoiceRecord]) -> [Int] {
        invoices.compactMap(\.paidAt).sorted(by: >).map { UTCDate(unixSeconds: $0).day }
    }
}
