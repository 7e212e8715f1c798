/// Where an event came from.
public enum ProviderName: String, Sendable, Hashable, Codable, CaseIterable {
    case stripe
    case gocardless
    case standard
}

/// The provider-agnostic event every webhook is normalized into.
///
/// Its JSON form (snake_case keys, Unix-second timestamps) is also Lifeline's generic
/// webhook format, described by `Webhooks/schema/billing-event.schema.json`.
public struct BillingEvent: Sendable, Hashable, Codable {
    /// Provider's event id; unique per provider.
    public var id: String
    public var type: BillingEventType
    /// When the provider says it happened (Unix seconds); orders out-of-order deliveries.
    public var occurredAt: Int64
    public var customer: CustomerInfo
    public var invoice: InvoiceInfo?
    public var payment: PaymentInfo?
    public var subscription: SubscriptionInfo?
    public var dispute: DisputeInfo?

    public init(
        id: String, type: BillingEventType, occurredAt: Int64, customer: CustomerInfo,
        invoice: InvoiceInfo? = nil, payment: PaymentInfo? = nil,
        subscription: SubscriptionInfo? = nil, dispute: DisputeInfo? = nil
    ) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.customer = customer
        self.invoice = invoice
        self.payment = payment
        self.subscription = subscription
        self.dispute = dispute
    }

    enum CodingKeys: String, CodingKey {
        case id, type, customer, invoice, payment, subscription, dispute
        case occurredAt = "occurred_at"
    }
}

/// What happened, in Lifeline's vocabulary.
public enum BillingEventType: String, Sendable, Hashable, Codable, CaseIterable {
    case invoiceCreated = "invoice.created"
    case invoiceFinalized = "invoice.finalized"
    case paymentFailed = "payment.failed"
    case paymentSucceeded = "payment.succeeded"
    case invoiceUncollectible = "invoice.uncollectible"
    case invoiceVoided = "invoice.voided"
    case subscriptionCreated = "subscription.created"
    case subscriptionUpdated = "subscription.updated"
    case subscriptionPaused = "subscription.paused"
    case subscriptionResumed = "subscription.resumed"
    case subscriptionDeleted = "subscription.deleted"
    case disputeOpened = "dispute.opened"
    /// A direct-debit payment reversed by the payer's bank after it was collected.
    case paymentChargedBack = "payment.charged_back"
    /// The payer (or bank) cancelled the direct-debit mandate.
    case mandateCancelled = "mandate.cancelled"
}

public struct CustomerInfo: Sendable, Hashable, Codable {
    public var id: String
    public var email: String?
    public var name: String?
    /// Free-form metadata; `segment` here overrides MRR bands.
    public var metadata: [String: String]

    public init(id: String, email: String? = nil, name: String? = nil, metadata: [String: String] = [:]) {
        self.id = id
        self.email = email
        self.name = name
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey { case id, email, name, metadata }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        metadata = try container.decodeIfPresent([String: String].self, forKey: .metadata) ?? [:]
    }
}

public enum InvoiceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft, open, paid, uncollectible, void
}

public struct InvoiceInfo: Sendable, Hashable, Codable {
    public var id: String
    public var subscriptionID: String?
    public var currency: String
    public var amountDue: Int64
    public var amountPaid: Int64
    public var amountRemaining: Int64
    public var status: InvoiceStatus
    /// `subscription_create`, `subscription_cycle`, `subscription_update`, `manual`, …
    public var billingReason: String?
    public var dueAt: Int64?
    public var periodStart: Int64?
    public var periodEnd: Int64?

    public init(
        id: String, subscriptionID: String?, currency: String, amountDue: Int64, amountPaid: Int64,
        amountRemaining: Int64, status: InvoiceStatus, billingReason: String? = nil,
        dueAt: Int64? = nil, periodStart: Int64? = nil, periodEnd: Int64? = nil
    ) {
        self.id = id
        self.subscriptionID = subscriptionID
        self.currency = currency.lowercased()
        self.amountDue = amountDue
        self.amountPaid = amountPaid
        self.amountRemaining = amountRemaining
        self.status = status
        self.billingReason = billingReason
        self.dueAt = dueAt
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }

    enum CodingKeys: String, CodingKey {
        case id, currency, status
        case subscriptionID = "subscription_id"
        case amountDue = "amount_due"
        case amountPaid = "amount_paid"
        case amountRemaining = "amount_remaining"
        case billingReason = "billing_reason"
        case dueAt = "due_at"
        case periodStart = "period_start"
        case periodEnd = "period_end"
    }
}

/// One payment attempt, failed or succeeded, with the codes that explain a failure.
public struct PaymentInfo: Sendable, Hashable, Codable {
    public var id: String?
    public var amount: Int64
    public var currency: String
    /// 1-based attempt number on the invoice, when the provider says.
    public var attempt: Int?
    /// Stripe `failure_code` / `last_payment_error.code`, GoCardless `cause`, generic codes.
    public var failureCode: String?
    /// Card issuer decline code (Stripe `decline_code`).
    public var declineCode: String?
    /// Stripe `advice_code`; overrides the decline code when classifying.
    public var adviceCode: String?
    /// Bank return code, e.g. SEPA ISO 20022 `AM04`.
    public var bankReasonCode: String?
    public var failureMessage: String?
    /// When the provider will try again by itself, if it will.
    public var nextAttemptAt: Int64?
    /// `card`, `sepa_debit`, `bacs_debit`, …
    public var method: String?

    public init(
        id: String? = nil, amount: Int64, currency: String, attempt: Int? = nil,
        failureCode: String? = nil, declineCode: String? = nil, adviceCode: String? = nil,
        bankReasonCode: String? = nil, failureMessage: String? = nil, nextAttemptAt: Int64? = nil,
        method: String? = nil
    ) {
        self.id = id
        self.amount = amount
        self.currency = currency.lowercased()
        self.attempt = attempt
        self.failureCode = failureCode
        self.declineCode = declineCode
        self.adviceCode = adviceCode
        self.bankReasonCode = bankReasonCode
        self.failureMessage = failureMessage
        self.nextAttemptAt = nextAttemptAt
        self.method = method
    }

    enum CodingKeys: String, CodingKey {
        case id, amount, currency, attempt, method
        case failureCode = "failure_code"
        case declineCode = "decline_code"
        case adviceCode = "advice_code"
        case bankReasonCode = "bank_reason_code"
        case failureMessage = "failure_message"
        case nextAttemptAt = "next_attempt_at"
    }
}

public enum BillingInterval: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week, month, year
}

public struct SubscriptionItem: Sendable, Hashable, Codable {
    public var priceID: String?
    /// Price of one unit for one interval, in minor units.
    public var unitAmount: Int64
    public var quantity: Int64
    public var interval: BillingInterval
    public var intervalCount: Int64

    public init(priceID: String? = nil, unitAmount: Int64, quantity: Int64 = 1, interval: BillingInterval, intervalCount: Int64 = 1) {
        self.priceID = priceID
        self.unitAmount = unitAmount
        self.quantity = quantity
        self.interval = interval
        self.intervalCount = intervalCount
    }

    enum CodingKeys: String, CodingKey {
        case quantity, interval
        case priceID = "price_id"
        case unitAmount = "unit_amount"
        case intervalCount = "interval_count"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        priceID = try container.decodeIfPresent(String.self, forKey: .priceID)
        unitAmount = try container.decode(Int64.self, forKey: .unitAmount)
        quantity = try container.decodeIfPresent(Int64.self, forKey: .quantity) ?? 1
        interval = try container.decode(BillingInterval.self, forKey: .interval)
        intervalCount = try container.decodeIfPresent(Int64.self, forKey: .intervalCount) ?? 1
    }
}

public enum DiscountDuration: String, Sendable, Hashable, Codable {
    case forever, once, repeating
}

public struct Discount: Sendable, Hashable, Codable {
    /// Percentage off, 0–100 (may be fractional, e.g. 12.5).
    public var percentOff: Double?
    /// Amount off each billing period, in minor units.
    public var amountOff: Int64?
    public var duration: DiscountDuration

    public init(percentOff: Double? = nil, amountOff: Int64? = nil, duration: DiscountDuration) {
        self.percentOff = percentOff
        self.amountOff = amountOff
        self.duration = duration
    }

    enum CodingKeys: String, CodingKey {
        case duration
        case percentOff = "percent_off"
        case amountOff = "amount_off"
    }
}

public enum SubscriptionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case trialing, active, pastDue = "past_due", unpaid, paused, canceled, incomplete
    case incompleteExpired = "incomplete_expired"
}

/// Why a subscription ended; decides voluntary vs involuntary churn.
public enum CancellationReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The customer asked.
    case requested
    /// Payments failed until the provider gave up.
    case paymentFailed = "payment_failed"
    /// The customer disputed a payment.
    case paymentDisputed = "payment_disputed"
    case other
}

/// A full snapshot of a subscription as of the event.
public struct SubscriptionInfo: Sendable, Hashable, Codable {
    public var id: String
    public var status: SubscriptionStatus
    public var currency: String
    public var items: [SubscriptionItem]
    public var discount: Discount?
    public var trialEnd: Int64?
    public var startedAt: Int64?
    public var cancelAtPeriodEnd: Bool
    public var cancellationReason: CancellationReason?
    /// The customer's own words or the provider's feedback code, if any.
    public var cancellationComment: String?

    public init(
        id: String, status: SubscriptionStatus, currency: String, items: [SubscriptionItem],
        discount: Discount? = nil, trialEnd: Int64? = nil, startedAt: Int64? = nil,
        cancelAtPeriodEnd: Bool = false, cancellationReason: CancellationReason? = nil,
        cancellationComment: String? = nil
    ) {
        self.id = id
        self.status = status
        self.currency = currency.lowercased()
        self.items = items
        self.discount = discount
        self.trialEnd = trialEnd
        self.startedAt = startedAt
        self.cancelAtPeriodEnd = cancelAtPeriodEnd
        self.cancellationReason = cancellationReason
        self.cancellationComment = cancellationComment
    }

    enum CodingKeys: String, CodingKey {
        case id, status, currency, items, discount
        case trialEnd = "trial_end"
        case startedAt = "started_at"
        case cancelAtPeriodEnd = "cancel_at_period_end"
        case cancellationReason = "cancellation_reason"
        case cancellationComment = "cancellation_comment"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        status = try container.decode(SubscriptionStatus.self, forKey: .status)
        currency = try container.decode(String.self, forKey: .currency).lowercased()
        items = try container.decode([SubscriptionItem].self, forKey: .items)
        discount = try container.decodeIfPresent(Discount.self, forKey: .discount)
        trialEnd = try container.decodeIfPresent(Int64.self, forKey: .trialEnd)
        startedAt = try container.decodeIfPresent(Int64.self, forKey: .startedAt)
        cancelAtPeriodEnd = try container.decodeIfPresent(Bool.self, forKey: .cancelAtPeriodEnd) ?? false
        cancellationReason = try container.decodeIfPresent(CancellationReason.self, forKey: .cancellationReason)
        cancellationComment = try container.decodeIfPresent(String.self, forKey: .cancellationComment)
    }
}

public struct DisputeInfo: Sendable, Hashable, Codable {
    public var id: String
    public var amount: Int64
    public var currency: String
    public var reason: String?
    public var invoiceID: String?

    public init(id: String, amount: Int64, currency: String, reason: String? = nil, invoiceID: String? = nil) {
        self.id = id
        self.amount = amount
        self.currency = currency.lowercased()
        self.reason = reason
        self.invoiceID = invoiceID
    }

    enum CodingKeys: String, CodingKey {
        case id, amount, currency, reason
        case invoiceID = "invoice_id"
    }
}
