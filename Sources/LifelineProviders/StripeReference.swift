import LifelineCore

/// A Stripe field that holds either an id (`"cus_…"`) or the expanded object carrying that id.
struct StripeReference: Sendable {
    let id: String
    /// Present only when the field was expanded.
    let expanded: StripeObject?
}

extension StripeObject {
    /// Reads an id-or-expanded-object field; an expanded object without a string `id` is malformed.
    func optionalReference(_ key: String) throws(WebhookRejection) -> StripeReference? {
        switch value(key) {
        case nil: return nil
        case .string(let id): return StripeReference(id: id, expanded: nil)
        case .object(let nested):
            let expanded = StripeObject(tape, entry: nested, path: fieldPath(key))
            return StripeReference(id: try expanded.string("id"), expanded: expanded)
        case let other: throw malformed(key, expected: "an id or an expanded object", got: other)
        }
    }

    func reference(_ key: String) throws(WebhookRejection) -> StripeReference {
        guard let found = try optionalReference(key) else {
            throw malformed(key, expected: "an id or an expanded object", got: nil)
        }
        return found
    }

    /// `metadata` as string → string; Stripe only stores strings, anything else is skipped.
    func stringMetadata(_ key: String = "metadata") -> [String: String] {
        guard case .object(let object)? = value(key) else { return [:] }
        var metadata: [String: String] = [:]
        for member in tape.members(of: object) {
            if case .string(let text)? = tape.value(at: member.value) { metadata[member.key] = text }
        }
        return metadata
    }

    /// Rejects an object whose `object` tag says it is something other than what the event type promises.
    func expectKind(_ kind: String) throws(WebhookRejection) {
        guard let tag = try optionalString("object"), tag != kind else { return }
        throw .malformed("\(path).object is \"\(tag)\", expected \"\(kind)\"")
    }
}
