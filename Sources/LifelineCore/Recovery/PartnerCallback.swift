/// What a financing partner tells Lifeline about an offer.
public enum PartnerCallbackType: String, Sendable, Hashable, Codable, CaseIterable {
    case accepted = "offer.accepted"
    case funded = "offer.funded"
    case declined = "offer.declined"
    case expired = "offer.expired"
}

/// A partner callback: `POST /webhooks/partner/{name}`, signed with the partner's secret.
public struct PartnerCallback: Sendable, Hashable, Codable {
    public var id: String
    public var type: PartnerCallbackType
    /// The offer id Lifeline sent: the financing action's id.
    public var offerID: String
    public var occurredAt: Int64
    public var amount: Int64?
    public var currency: String?
    public var detail: String?

    public init(id: String, type: PartnerCallbackType, offerID: String, occurredAt: Int64, amount: Int64? = nil, currency: String? = nil, detail: String? = nil) {
        self.id = id
        self.type = type
        self.offerID = offerID
        self.occurredAt = occurredAt
        self.amount = amount
        self.currency = currency
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id, type, amount, currency, detail
        case offerID = "offer_id"
        case occurredAt = "occurred_at"
    }
}

/// Moves a case on a partner callback: funded recovers it (financing paid the invoice),
/// the others are logged and the rest of the playbook carries on.
public enum PartnerCallbackReducer {
    public static func apply(
        _ callback: PartnerCallback, partner: String, action: RecoveryAction, recoveryCase: RecoveryCase,
        caseActions: [RecoveryAction]
    ) -> RecoveryChanges {
        var changes = RecoveryChanges()
        let amount = callback.amount.map { " \(Money($0, callback.currency ?? recoveryCase.currency))" } ?? ""
        changes.timeline.append(TimelineEntry(
            caseID: recoveryCase.id, at: callback.occurredAt, kind: "partner",
            summary: "\(partner): \(callback.type.rawValue)\(amount)\(callback.detail.map { " — \($0)" } ?? "")",
            reference: callback.id
        ))
        guard callback.type == .funded, !recoveryCase.status.isTerminal else { return changes }
        var recovered = recoveryCase
        recovered.status = .recovered
        recovered.recoveredAt = callback.occurredAt
        recovered.attributedActionID = action.id
        recovered.attributedActionKind = action.kind
        recovered.amountDue = 0
        recovered.updatedAt = callback.occurredAt
        changes.cases.append(recovered)
        let pending = caseActions.filter { $0.id != action.id && ($0.status == .pending || $0.status == .leased) }
        if !pending.isEmpty {
            changes.cancelledActionIDs = pending.map(\.id)
            changes.timeline.append(TimelineEntry(
                caseID: recoveryCase.id, at: callback.occurredAt, kind: "action",
                summary: "cancelled \(pending.count) pending action\(pending.count == 1 ? "" : "s"): financing funded"
            ))
        }
        changes.timeline.append(TimelineEntry(
            caseID: recoveryCase.id, at: callback.occurredAt, kind: "status",
            summary: "recovered: \(partner) funded offer \(action.id)", reference: callback.id
        ))
        return changes
    }
}

/// How a partner callback is logged: under the provider `partner:<name>`, its body kept raw.
public enum PartnerCallbackLog {
    public static let providerPrefix = "partner:"

    public static func provider(partner: String) -> String { providerPrefix + partner }
}
