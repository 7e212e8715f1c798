/// One customer's life: sign-up, trial, monthly or annual invoices, failures and their outcome,
/// expansions, contractions, cancellations and returns.
struct CustomerSimulation {
    enum Outcome {
        case paid
        case lost(at: Int64)
    }

    var rng: SplitMix64
    let parameters: SimulationParameters
    let profile: SegmentProfile
    let customer: CustomerInfo
    let key: String
    let sepa: Bool
    var events: [BillingEvent] = []
    var counters = (events: 0, subscriptions: 0, invoices: 0, payments: 0)

    // The current subscription.
    var subscriptionID = ""
    var startedAt: Int64 = 0
    var unitAmount: Int64 = 0
    var seats: Int64 = 1
    var annual = false

    init(index: Int, parameters: SimulationParameters) {
        var rng = SplitMix64.stream(seed: parameters.seed, index: index)
        let profiles = parameters.profiles
        var roll = rng.int(0...max(0, profiles.reduce(0) { $0 + $1.weight } - 1))
        var chosen = profiles[0]
        for profile in profiles {
            if roll < profile.weight { chosen = profile; break }
            roll -= profile.weight
        }
        let name = SimulatedNames.name(&rng, segment: chosen.name)
        var metadata = ["country": rng.pick(SimulatedNames.countries)]
        if rng.chance(chosen.taggedShare) { metadata["segment"] = chosen.name }
        let number = String(index + 1)
        key = "s\(parameters.seed)_" + String(repeating: "0", count: max(0, 5 - number.count)) + number
        customer = CustomerInfo(
            id: "cus_\(key)", email: "billing@\(SimulatedNames.slug(name)).example", name: name, metadata: metadata
        )
        sepa = rng.chance(chosen.sepaShare)
        profile = chosen
        self.parameters = parameters
        self.rng = rng
    }

    mutating func run() {
        var signup = signupTime()
        var first = true
        while signup < parameters.end {
            guard let churnedAt = subscribe(at: signup, first: first) else { return }
            first = false
            guard let back = returnTime(after: churnedAt) else { return }
            signup = back
        }
    }

    /// Most customers exist from the start; the others arrive month by month, seasonally.
    mutating func signupTime() -> Int64 {
        let hour = rng.int64(8...18) * 3_600 + rng.int64(0...3_599)
        if rng.chance(550) { return parameters.start + rng.int64(0...27) * SimulationCalendar.day + hour }
        while true {
            let month = rng.int(0...max(0, parameters.months - 1))
            let monthStart = SimulationCalendar.monthsAfter(parameters.start, month)
            if rng.int(0...1_399) < Seasonality.factor(Seasonality.signups, at: monthStart) {
                return monthStart + rng.int64(0...27) * SimulationCalendar.day + hour
            }
        }
    }

    /// Returns when the subscription ended, or nil if it is still running at the end.
    mutating func subscribe(at signup: Int64, first: Bool) -> Int64? {
        counters.subscriptions += 1
        subscriptionID = "sub_\(key)_\(counters.subscriptions)"
        annual = rng.chance(profile.annualShare)
        // Prices end in 00: 49 €, not 48.73 €.
        unitAmount = rng.int64(profile.seatPrice) / 100 * 100 * (annual ? 10 : 1)
        seats = rng.int64(profile.seats)
        startedAt = signup
        var activeAt = signup
        if first && rng.chance(profile.trialShare) {
            activeAt = signup + 14 * SimulationCalendar.day
            emit(.subscriptionCreated, at: signup, subscription: snapshot(.trialing, trialEnd: activeAt))
            guard activeAt < parameters.end else { return nil }
            emit(.subscriptionUpdated, at: activeAt, subscription: snapshot(.active))
        } else {
            emit(.subscriptionCreated, at: signup, subscription: snapshot(.active))
        }
        var cycle = activeAt
        var reason = "subscription_create"
        while cycle < parameters.end {
            if case .lost(let at) = bill(at: cycle, reason: reason) { return at }
            reason = "subscription_cycle"
            let next = SimulationCalendar.monthsAfter(cycle, annual ? 12 : 1)
            var month = cycle
            while month < next && month < parameters.end {
                let monthEnd = SimulationCalendar.monthsAfter(month, 1)
                change(at: month + rng.int64(8...20) * SimulationCalendar.day + rng.int64(0...36_000))
                // Monthly plans may leave any month; annual ones only at renewal.
                let renewal = !annual || monthEnd >= next
                var churn = profile.churn * Seasonality.factor(Seasonality.churn, at: month) / 1_000
                if annual { churn = min(900, churn * 11) }
                if renewal && rng.chance(churn) {
                    let at = monthEnd - rng.int64(1...5) * SimulationCalendar.day
                    emit(.subscriptionDeleted, at: at, subscription: snapshot(.canceled, reason: .requested))
                    return at
                }
                month = monthEnd
            }
            cycle = next
        }
        return nil
    }

    /// Upgrades add seats (or move a single-seat plan up a tier); downgrades remove them.
    mutating func change(at time: Int64) {
        if rng.chance(profile.expansion) {
            if profile.seats.upperBound == 1 {
                unitAmount = unitAmount * 3 / 2 / 100 * 100
            } else {
                seats += rng.int64(1...max(2, seats / 3))
            }
        } else if rng.chance(profile.contraction) {
            if profile.seats.upperBound == 1 {
                unitAmount = max(900, unitAmount * 2 / 3 / 100 * 100)
            } else {
                guard seats > 1 else { return }
                seats -= rng.int64(1...max(1, min(seats - 1, seats / 5)))
            }
        } else {
            return
        }
        emit(.subscriptionUpdated, at: time, subscription: snapshot(.active))
    }

    /// A churned customer may come back any later month.
    mutating func returnTime(after churnedAt: Int64) -> Int64? {
        var month = SimulationCalendar.monthsAfter(churnedAt, 1)
        while month < parameters.end {
            if rng.chance(profile.reactivation) { return month + rng.int64(0...10) * SimulationCalendar.day }
            month = SimulationCalendar.monthsAfter(month, 1)
        }
        return nil
    }

    func snapshot(_ status: SubscriptionStatus, trialEnd: Int64? = nil, reason: CancellationReason? = nil) -> SubscriptionInfo {
        SubscriptionInfo(
            id: subscriptionID, status: status, currency: parameters.currency,
            items: [SubscriptionItem(
                priceID: "price_\(SimulatedNames.slug(profile.name))_\(annual ? "yearly" : "monthly")",
                unitAmount: unitAmount, quantity: seats, interval: annual ? .year : .month
            )],
            trialEnd: trialEnd, startedAt: startedAt, cancellationReason: reason
        )
    }

    mutating func emit(
        _ type: BillingEventType, at time: Int64, subscription: SubscriptionInfo? = nil, invoice: InvoiceInfo? = nil,
        payment: PaymentInfo? = nil
    ) {
        counters.events += 1
        events.append(BillingEvent(
            id: "evt_\(key)_\(counters.events)", type: type, occurredAt: time, customer: customer,
            invoice: invoice, payment: payment, subscription: subscription
        ))
    }
}
