/// The right to erasure (`lifeline forget CUSTOMER_ID`): what of a customer is personal data and
/// how each record looks once it is erased. Amounts, ids, dates, codes and the segment stay, so
/// the ledger, the cases and the reports still hold.
public enum PersonalData {
    /// What an erased text reads as, wherever it was.
    public static let erased = "[erased]"
    /// Metadata keys kept: what the reports group by, not who the customer is.
    public static let keptMetadataKeys: Set<String> = ["segment"]

    /// A customer's details as the log and the ledger hold them, minus what identifies a person.
    public static func erase(_ customer: CustomerInfo) -> CustomerInfo {
        CustomerInfo(id: customer.id, email: nil, name: nil, metadata: customer.metadata.filter { keptMetadataKeys.contains($0.key) })
    }

    /// An event without its customer's details and free text (a cancellation comment, a bank's message).
    public static func erase(_ event: BillingEvent) -> BillingEvent {
        var erased = event
        erased.customer = erase(event.customer)
        erased.subscription = event.subscription.map(erase)
        erased.payment?.failureMessage = nil
        return erased
    }

    public static func erase(_ subscription: SubscriptionInfo) -> SubscriptionInfo {
        var erased = subscription
        erased.cancellationComment = nil
        return erased
    }

    public static func erase(_ customer: CustomerRecord) -> CustomerRecord {
        var erased = customer
        erased.email = nil
        erased.name = nil
        erased.metadata = customer.metadata.filter { keptMetadataKeys.contains($0.key) }
        return erased
    }

    public static func erase(_ subscription: SubscriptionRecord) -> SubscriptionRecord {
        var erased = subscription
        erased.snapshot = erase(subscription.snapshot)
        return erased
    }

    /// The texts to take out of what was written from them (action payloads, timeline entries):
    /// the customer's name, email and free metadata values, longest first so a name inside
    /// another value goes with it. Values shorter than 3 characters are left (they would match
    /// inside unrelated words).
    public static func values(of customer: CustomerRecord) -> [String] {
        let texts = [customer.name, customer.email].compactMap { $0 }
            + customer.metadata.filter { !keptMetadataKeys.contains($0.key) }.map(\.value)
        return Array(Set(texts.filter { $0.count >= 3 })).sorted { ($0.count, $0) > ($1.count, $1) }
    }

    /// A JSON document with every string value equal to one of `values` replaced by `[erased]`:
    /// the quoted, escaped form is what is searched, so the document stays valid JSON.
    public static func scrubJSON(_ json: String, values: [String]) -> String {
        values.reduce(json) { text, value in
            // Payloads are written with either escaping; both spellings go.
            var minimal = "", foundation = ""
            JSONText.appendString(value, to: &minimal)
            JSONText.appendString(value, to: &foundation, escaping: .foundation)
            return text.replacingAll(minimal, with: "\"\(erased)\"").replacingAll(foundation, with: "\"\(erased)\"")
        }
    }

    /// Plain text (a timeline summary) with each of `values` replaced by `[erased]`.
    public static func scrubText(_ text: String, values: [String]) -> String {
        values.reduce(text) { $0.replacingAll($1, with: erased) }
    }
}

extension String {
    /// Every occurrence of `target` replaced, left to right, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
