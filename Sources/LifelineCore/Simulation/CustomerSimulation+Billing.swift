extension CustomerSimulation {
    /// One invoice: created, collected (card within the hour, SEPA after two days) or failed,
    /// then either paid on a later attempt or written off with the subscription.
    mutating func bill(at cycle: Int64, reason: String) -> Outcome {
        counters.invoices += 1
        let amount = unitAmount * seats
        let createdAt = cycle + 6 * 3_600 + rng.int64(0...7_200)
        let invoice = InvoiceInfo(
            id: "in_\(key)_\(counters.invoices)", subscriptionID: subscriptionID, currency: parameters.currency,
            amountDue: amount, amountPaid: 0, amountRemaining: amount, status: .open, billingReason: reason,
            dueAt: createdAt, periodStart: cycle, periodEnd: SimulationCalendar.monthsAfter(cycle, annual ? 12 : 1)
        )
        emit(.invoiceCreated, at: createdAt, invoice: invoice)
        let firstAttempt = createdAt + (sepa ? 2 * SimulationCalendar.day + rng.int64(0...20_000) : 3_600 + rng.int64(0...1_800))
        var failure = profile.failure * Seasonality.factor(Seasonality.failures, at: cycle) / 1_000
        // Month-end billing meets month-end cash: the customer's own clients pay on the 1st–5th.
        let dayOfMonth = UTCDate(unixSeconds: cycle).day
        if dayOfMonth >= 25 || dayOfMonth <= 3 { failure = failure * 6 / 5 }
        guard rng.chance(failure) else {
            succeed(invoice, at: firstAttempt, attempt: 1)
            return .paid
        }
        let category = SimulatedFailure.category(&rng, cashFlowShare: profile.cashFlowShare, sepa: sepa)
        fail(invoice, category: category, at: firstAttempt, attempt: 1)
        let recovers = rng.chance(min(980, profile.recovery * SimulatedFailure.recoveryFactor(category) / 1_000))
        if recovers {
            let days = SimulatedFailure.daysToRecover(&rng, category)
            var attempt = 1
            if days > 4 && category != .voluntaryDispute && rng.chance(350) {
                attempt += 1
                fail(invoice, category: category, at: firstAttempt + 3 * SimulationCalendar.day, attempt: attempt)
            }
            succeed(invoice, at: firstAttempt + days * SimulationCalendar.day + rng.int64(0...20_000), attempt: attempt + 1)
            return .paid
        }
        var lastAttempt = firstAttempt
        if category != .hardDecline && category != .voluntaryDispute {
            for (attempt, days) in [(2, Int64(3)), (3, Int64(7))] where attempt == 2 || rng.chance(600) {
                lastAttempt = firstAttempt + days * SimulationCalendar.day
                fail(invoice, category: category, at: lastAttempt, attempt: attempt)
            }
        }
        let lostAt = max(lastAttempt, firstAttempt + rng.int64(15...25) * SimulationCalendar.day) + 3_600
        var written = invoice
        written.status = .uncollectible
        emit(.invoiceUncollectible, at: lostAt, invoice: written)
        emit(.subscriptionDeleted, at: lostAt + 300, subscription: snapshot(.canceled, reason: .paymentFailed))
        return .lost(at: lostAt + 300)
    }

    mutating func succeed(_ invoice: InvoiceInfo, at time: Int64, attempt: Int) {
        counters.payments += 1
        var paid = invoice
        paid.status = .paid
        paid.amountPaid = invoice.amountDue
        paid.amountRemaining = 0
        let payment = PaymentInfo(
            id: "py_\(key)_\(counters.payments)", amount: invoice.amountDue, currency: parameters.currency,
            attempt: attempt, method: sepa ? "sepa_debit" : "card"
        )
        emit(.paymentSucceeded, at: time, invoice: paid, payment: payment)
    }

    mutating func fail(_ invoice: InvoiceInfo, category: FailureCategory, at time: Int64, attempt: Int) {
        counters.payments += 1
        let payment = SimulatedFailure.payment(
            &rng, category: category, sepa: sepa, id: "py_\(key)_\(counters.payments)", amount: invoice.amountDue,
            currency: parameters.currency, attempt: attempt,
            nextAttemptAt: sepa ? nil : time + 3 * SimulationCalendar.day
        )
        emit(.paymentFailed, at: time, invoice: invoice, payment: payment)
    }
}
