/// The JSON body each action sends, fixed at planning time so every retry sends the same bytes.
/// Only ids, names, amounts and dates: never card or bank numbers.
public enum ActionPayloads {
    public static func build(
        actionID: String, kind: ActionKind, target: String?, parameters: [String: String],
        recoveryCase: RecoveryCase, customer: CustomerRecord?, invoice: InvoiceRecord?
    ) -> String {
        let value: PayloadJSON
        switch kind {
        case .financingOffer:
            value = financingOffer(actionID: actionID, parameters: parameters, recoveryCase: recoveryCase, customer: customer, invoice: invoice)
        case .dunningEmail:
            value = dunning(actionID: actionID, parameters: parameters, recoveryCase: recoveryCase, customer: customer, invoice: invoice)
        case .retryPayment:
            // Stripe's /pay takes no body; the invoice id travels in the URL.
            value = .object([:])
        case .notifyOps:
            value = notifyOps(parameters: parameters, recoveryCase: recoveryCase, invoice: invoice)
        }
        return value.rendered
    }

    /// The partner's offer: who, which invoice, how much, and the proposed instalments.
    static func financingOffer(
        actionID: String, parameters: [String: String], recoveryCase: RecoveryCase,
        customer: CustomerRecord?, invoice: InvoiceRecord?
    ) -> PayloadJSON {
        let terms = parameters["terms"] ?? "instalments_3"
        return .object([
            "offer_id": .string(actionID),
            "case_id": .string(recoveryCase.id),
            "customer": customerJSON(customer, fallbackID: recoveryCase.customerID),
            "invoice": invoiceJSON(invoice),
            "amount": .int(recoveryCase.amountDue),
            "currency": .string(recoveryCase.currency),
            "terms": .string(terms),
            "proposed_terms": .object([
                "instalments": .int(Int64(instalments(fromTerms: terms))),
                "first_due_in_days": .int(30),
            ]),
            "reason": .string(FailureCategory.cashFlow.rawValue),
        ])
    }

    /// The dunning service's message: template, step and what a pay or update link needs.
    static func dunning(
        actionID: String, parameters: [String: String], recoveryCase: RecoveryCase,
        customer: CustomerRecord?, invoice: InvoiceRecord?
    ) -> PayloadJSON {
        let template = parameters["template"]
        return .object([
            "message_id": .string(actionID),
            "customer": customerJSON(customer, fallbackID: recoveryCase.customerID),
            "template": template.map(PayloadJSON.string) ?? .null,
            "step": parameters["step"].flatMap { Int64($0) }.map(PayloadJSON.int) ?? .null,
            "invoice": invoiceJSON(invoice),
            "pay_link_data": .object([
                "invoice_id": invoice.map { .string($0.id) } ?? .null,
                "amount": .int(invoice.map(\.amountRemaining) ?? recoveryCase.amountDue),
                "currency": .string(invoice?.currency ?? recoveryCase.currency),
            ]),
            "update_payment_method": .bool(template?.contains("update") ?? false),
        ])
    }

    /// What finance ops sees on the case's timeline.
    static func notifyOps(parameters: [String: String], recoveryCase: RecoveryCase, invoice: InvoiceRecord?) -> PayloadJSON {
        let reason = parameters["reason"]
            ?? (recoveryCase.stressReasons.isEmpty ? "\(recoveryCase.category.rawValue) failure needs attention" : recoveryCase.stressReasons.joined(separator: "; "))
        return .object([
            "case_id": .string(recoveryCase.id),
            "customer_id": .string(recoveryCase.customerID),
            "invoice_id": invoice.map { .string($0.id) } ?? .null,
            "category": .string(recoveryCase.category.rawValue),
            "amount": .int(recoveryCase.amountDue),
            "currency": .string(recoveryCase.currency),
            "reason": .string(reason),
        ])
    }

    /// `instalments_6` → 6; anything unparseable → 3.
    static func instalments(fromTerms terms: String) -> Int {
        let digits = terms.utf8.reversed().prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let count = Int(String(decoding: digits.reversed(), as: UTF8.self)), count > 0, count <= 120 else { return 3 }
        return count
    }

    static func customerJSON(_ customer: CustomerRecord?, fallbackID: String) -> PayloadJSON {
        .object([
            "id": .string(customer?.id ?? fallbackID),
            "name": customer?.name.map(PayloadJSON.string) ?? .null,
            "email": customer?.email.map(PayloadJSON.string) ?? .null,
        ])
    }

    static func invoiceJSON(_ invoice: InvoiceRecord?) -> PayloadJSON {
        guard let invoice else { return .null }
        return .object([
            "id": .string(invoice.id),
            "amount_due": .int(invoice.amountDue),
            "currency": .string(invoice.currency),
            "due_at": invoice.dueAt.map(PayloadJSON.int) ?? .null,
        ])
    }
}

/// A tiny JSON tree rendered with sorted keys, so LifelineCore needs no Foundation.
enum PayloadJSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    /// Members as written (no dictionary to hash into); rendered sorted by key.
    case object(KeyValuePairs<String, PayloadJSON>)

    var rendered: String {
        var output = ""
        output.reserveCapacity(512)
        render(into: &output)
        return output
    }

    func render(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .string(let value): JSONText.appendString(value, to: &output)
        case .object(let members):
            output += "{"
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { output += "," }
                JSONText.appendString(member.key, to: &output)
                output += ":"
                member.value.render(into: &output)
            }
            output += "}"
        }
    }
}
