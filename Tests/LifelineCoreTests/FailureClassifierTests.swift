import Foundation
import LifelineConfig
@testable import LifelineCore
import Testing

/// The shipped `config/reason-codes.yaml`, read the way the server reads it.
private let reasonCodesPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("config/reason-codes.yaml").path

private func shippedTable() throws -> ReasonCodeTable {
    try ReasonCodeLoader.load(path: reasonCodesPath)
}

/// A payment carrying one code in one field, as a provider would send it.
private func payment(_ field: String, _ code: String) -> PaymentInfo {
    var payment = PaymentInfo(amount: 4_900, currency: "eur")
    switch field {
    case "advice_code": payment.adviceCode = code
    case "decline_code": payment.declineCode = code
    case "bank_reason_code": payment.bankReasonCode = code
    case "failure_code": payment.failureCode = code
    default: Issue.record("unknown field \(field)")
    }
    return payment
}

private func section(_ table: ReasonCodeTable, _ field: String) -> [String: FailureCategory] {
    switch field {
    case "advice_code": table.adviceCodes
    case "decline_code": table.declineCodes
    case "bank_reason_code": table.bankReasonCodes
    default: table.failureCodes
    }
}

@Suite("Failure classifier over config/reason-codes.yaml")
struct FailureClassifierTests {
    @Test("every code in the file classifies to its category, decided by its own field",
          arguments: ["advice_code", "decline_code", "bank_reason_code", "failure_code"])
    func wholeFile(field: String) throws {
        let table = try shippedTable()
        let codes = section(table, field)
        #expect(!codes.isEmpty, "section for \(field) is empty")
        for (code, category) in codes.sorted(by: { $0.key < $1.key }) {
            // Providers send SEPA codes uppercase and Stripe codes lowercase; both must match.
            for spelling in [code, code.uppercased()] {
                let result = FailureClassifier.classify(payment(field, spelling), using: table)
                #expect(result.category == category, "\(field) \(spelling)")
                #expect(result.decidedBy == field, "\(field) \(spelling)")
                #expect(result.code == spelling)
                #expect(!result.isUnknown, "\(field) \(spelling)")
            }
        }
    }

    @Test("the file uses every category and covers the main code families")
    func coverage() throws {
        let table = try shippedTable()
        let all = [table.adviceCodes, table.declineCodes, table.bankReasonCodes, table.failureCodes]
        #expect(Set(all.flatMap(\.values)) == Set(FailureCategory.allCases))
        #expect(table.declineCodes.count >= 40)
        #expect(table.adviceCodes["try_again_later"] == nil, "try_again_later must not override the decline code")
        for code in ["am04", "ms03", "ac04", "ac01", "ac06", "ag01", "md01", "md06", "ms02", "sl01", "ff01", "be05", "am05"] {
            #expect(table.bankReasonCodes[code] != nil, "missing SEPA code \(code)")
        }
    }

    @Test("pinned categories", arguments: [
        ("decline_code", "insufficient_funds", FailureCategory.cashFlow),
        ("decline_code", "card_velocity_exceeded", .cashFlow),
        ("decline_code", "withdrawal_count_limit_exceeded", .cashFlow),
        ("decline_code", "expired_card", .paymentMethod),
        ("decline_code", "incorrect_cvc", .paymentMethod),
        ("decline_code", "stolen_card", .hardDecline),
        ("decline_code", "lost_card", .hardDecline),
        ("decline_code", "fraudulent", .hardDecline),
        ("decline_code", "stop_payment_order", .voluntaryDispute),
        ("decline_code", "revocation_of_authorization", .voluntaryDispute),
        ("decline_code", "generic_decline", .technical),
        ("decline_code", "do_not_honor", .technical),
        ("advice_code", "do_not_try_again", .hardDecline),
        ("advice_code", "confirm_card_data", .paymentMethod),
        ("bank_reason_code", "AM04", .cashFlow),
        ("bank_reason_code", "MS03", .cashFlow),
        ("bank_reason_code", "AC04", .paymentMethod),
        ("bank_reason_code", "MD06", .voluntaryDispute),
        ("bank_reason_code", "MS02", .voluntaryDispute),
        ("bank_reason_code", "MD07", .hardDecline),
        ("failure_code", "refer_to_payer", .cashFlow),
        ("failure_code", "insufficient_funds", .cashFlow),
        ("failure_code", "bank_account_closed", .paymentMethod),
        ("failure_code", "authorisation_disputed", .voluntaryDispute),
        ("failure_code", "card_declined", .technical),
    ])
    func pinned(field: String, code: String, expected: FailureCategory) throws {
        let result = FailureClassifier.classify(payment(field, code), using: try shippedTable())
        #expect(result.category == expected)
        #expect(result.decidedBy == field)
    }

    @Test("advice code overrides the decline code")
    func adviceOverridesDecline() throws {
        var payment = payment("decline_code", "insufficient_funds")
        payment.adviceCode = "do_not_try_again"
        let result = FailureClassifier.classify(payment, using: try shippedTable())
        #expect(result.category == .hardDecline)
        #expect(result.decidedBy == "advice_code")
    }

    @Test("try_again_later leaves the decision to the decline code")
    func tryAgainLaterDefers() throws {
        var payment = payment("decline_code", "insufficient_funds")
        payment.adviceCode = "try_again_later"
        payment.failureCode = "card_declined"
        let result = FailureClassifier.classify(payment, using: try shippedTable())
        #expect(result.category == .cashFlow)
        #expect(result.decidedBy == "decline_code")
    }

    @Test("bank return code outranks the generic GoCardless cause")
    func bankBeforeFailure() throws {
        var payment = payment("failure_code", "mandate_cancelled")
        payment.bankReasonCode = "AM04"
        let result = FailureClassifier.classify(payment, using: try shippedTable())
        #expect(result.category == .cashFlow)
        #expect(result.decidedBy == "bank_reason_code")
    }

    @Test("unknown code falls back to technical and says so")
    func unknownCode() throws {
        let result = FailureClassifier.classify(payment("decline_code", "brand_new_issuer_code"), using: try shippedTable())
        #expect(result.category == .technical)
        #expect(result.isUnknown)
        #expect(result.decidedBy == nil)
        #expect(result.code == "brand_new_issuer_code")

        let empty = FailureClassifier.classify(PaymentInfo(amount: 100, currency: "eur"), using: try shippedTable())
        #expect(empty.category == .technical && empty.isUnknown && empty.code == nil)
    }
}

extension FailureClassifierTests {
    @Suite("Reason-code loader")
    struct ReasonCodeLoaderTests {
        @Test("keys are lowercased; empty and missing sections are allowed")
        func lowercasesKeys() throws {
            let table = try ReasonCodeLoader.load(yaml: """
                advice_codes:
                bank_reason_codes:
                  AM04: cash_flow
                  Md06: voluntary_dispute
                """)
            #expect(table.bankReasonCodes == ["am04": .cashFlow, "md06": .voluntaryDispute])
            #expect(table.adviceCodes.isEmpty && table.declineCodes.isEmpty && table.failureCodes.isEmpty)
        }

        @Test("a bad category names the section and the code")
        func badCategory() {
            let yaml = "decline_codes:\n  insufficient_funds: broke\n"
            #expect(throws: ReasonCodeLoaderError.unknownCategory(section: "decline_codes", code: "insufficient_funds", value: "broke")) {
                try ReasonCodeLoader.load(yaml: yaml)
            }
            do {
                _ = try ReasonCodeLoader.load(yaml: yaml)
            } catch {
                let message = String(describing: error)
                #expect(message.contains("decline_codes.insufficient_funds"))
                #expect(message.contains("cash_flow"))
            }
        }

        @Test("an unknown section is refused")
        func unknownSection() {
            #expect(throws: ReasonCodeLoaderError.unknownSection("decline_code")) {
                try ReasonCodeLoader.load(yaml: "decline_code:\n  expired_card: payment_method\n")
            }
        }

        @Test("codes differing only by case are refused")
        func duplicateByCase() {
            #expect(throws: ReasonCodeLoaderError.duplicateCode(section: "bank_reason_codes", code: "am04")) {
                try ReasonCodeLoader.load(yaml: "bank_reason_codes:\n  AM04: cash_flow\n  am04: technical\n")
            }
        }

        @Test("not a map of maps, or no file: clear errors")
        func shapeAndFileErrors() {
            #expect {
                try ReasonCodeLoader.load(yaml: "- just\n- a list\n")
            } throws: { error in
                guard case .invalidYAML = error as? ReasonCodeLoaderError else { return false }
                return true
            }
            #expect {
                try ReasonCodeLoader.load(path: "/nonexistent/reason-codes.yaml")
            } throws: { error in
                guard case .unreadable(let path, _) = error as? ReasonCodeLoaderError else { return false }
                return path == "/nonexistent/reason-codes.yaml"
            }
        }
    }
}
