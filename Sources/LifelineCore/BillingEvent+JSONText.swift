// The stored JSON of a normalized event, written by hand: byte for byte what `JSONEncoder` with
// `.sortedKeys` writes (members in key order, nil optionals left out, "/" escaped), at a
// fraction of its cost, since every webhook stores its event and subscription this way.
// `BillingEventJSONTextTests` holds the two writers equal over every sample and fuzz input.

extension BillingEvent {
    public func jsonText() throws(JSONText.NonFiniteNumber) -> String {
        let subscriptionJSON = try subscription?.jsonText()
        var members = JSONMembers()
        members.raw("customer", customer.jsonText())
        if let dispute { members.raw("dispute", dispute.jsonText()) }
        members.string("id", id)
        if let invoice { members.raw("invoice", invoice.jsonText()) }
        members.int("occurred_at", occurredAt)
        if let payment { members.raw("payment", payment.jsonText()) }
        if let subscriptionJSON { members.raw("subscription", subscriptionJSON) }
        members.string("type", type.rawValue)
        return members.closed
    }
}

extension CustomerInfo {
    func jsonText() -> String {
        var members = JSONMembers()
        members.string("email", email)
        members.string("id", id)
        members.raw("metadata", JSONText.object(metadata, escaping: .foundation))
        members.string("name", name)
        return members.closed
    }
}

extension InvoiceInfo {
    func jsonText() -> String {
        var members = JSONMembers()
        members.int("amount_due", amountDue)
        members.int("amount_paid", amountPaid)
        members.int("amount_remaining", amountRemaining)
        members.string("billing_reason", billingReason)
        members.string("currency", currency)
        members.int("due_at", dueAt)
        members.string("id", id)
        members.int("period_end", periodEnd)
        members.int("period_start", periodStart)
        members.string("status", status.rawValue)
        members.string("subscription_id", subscriptionID)
        return members.closed
    }
}

extension PaymentInfo {
    func jsonText() -> String {
        var members = JSONMembers()
        members.string("advice_code", adviceCode)
        members.int("amount", amount)
        members.int("attempt", attempt.map(Int64.init))
        members.string("bank_reason_code", bankReasonCode)
        members.string("currency", currency)
        members.string("decline_code", declineCode)
        members.string("failure_code", failureCode)
        members.string("failure_message", failureMessage)
        members.string("id", id)
        members.string("method", method)
        members.int("next_attempt_at", nextAttemptAt)
        return members.closed
    }
}

extension SubscriptionInfo {
    /// Also the `subscriptions.snapshot` column.
    public func jsonText() throws(JSONText.NonFiniteNumber) -> String {
        var members = JSONMembers()
        members.raw("cancel_at_period_end", cancelAtPeriodEnd ? "true" : "false")
        members.string("cancellation_comment", cancellationComment)
        members.string("cancellation_reason", cancellationReason?.rawValue)
        members.string("currency", currency)
        if let discount { members.raw("discount", try discount.jsonText()) }
        members.string("id", id)
        members.raw("items", "[" + items.map { $0.jsonText() }.joined(separator: ",") + "]")
        members.int("started_at", startedAt)
        members.string("status", status.rawValue)
        members.int("trial_end", trialEnd)
        return members.closed
    }
}

extension SubscriptionItem {
    func jsonText() -> String {
        var members = JSONMembers()
        members.string("interval", interval.rawValue)
        members.int("interval_count", intervalCount)
        members.string("price_id", priceID)
        members.int("quantity", quantity)
        members.int("unit_amount", unitAmount)
        return members.closed
    }
}

extension Discount {
    func jsonText() throws(JSONText.NonFiniteNumber) -> String {
        var members = JSONMembers()
        members.int("amount_off", amountOff)
        members.string("duration", duration.rawValue)
        if let percentOff { members.raw("percent_off", try JSONText.number(percentOff)) }
        return members.closed
    }
}

extension DisputeInfo {
    func jsonText() -> String {
        var members = JSONMembers()
        members.int("amount", amount)
        members.string("currency", currency)
        members.string("id", id)
        members.string("invoice_id", invoiceID)
        members.string("reason", reason)
        return members.closed
    }
}

/// One JSON object's members, appended in the order written (callers write keys sorted).
private struct JSONMembers {
    private var text = "{"

    var closed: String { text + "}" }

    mutating func raw(_ key: String, _ json: String) {
        if text.utf8.count > 1 { text.append(",") }
        text.append("\"")
        text.append(key)
        text.append("\":")
        text.append(json)
    }

    mutating func string(_ key: String, _ value: String?) {
        guard let value else { return }
        var quoted = ""
        JSONText.appendString(value, to: &quoted, escaping: .foundation)
        raw(key, quoted)
    }

    mutating func int(_ key: String, _ value: Int64?) {
        guard let value else { return }
        raw(key, String(value))
    }
}
