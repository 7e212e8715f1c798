import Foundation
import LifelineCore
import Testing

@Suite struct ActionPayloadsTests {
    func build(_ kind: ActionKind, parameters: [String: String], customer: CustomerRecord? = Fixtures.customer) -> String {
        ActionPayloads.build(
            actionID: "act_9", kind: kind, target: "acme", parameters: parameters,
            recoveryCase: Fixtures.recoveryCase, customer: customer, invoice: Fixtures.invoice
        )
    }

    @Test func financingOfferCarriesOfferCustomerInvoiceAndTerms() throws {
        let body = try Fixtures.json(build(.financingOffer, parameters: ["terms": "instalments_6"]))
        #expect(body["offer_id"] as? String == "act_9")
        #expect(body["case_id"] as? String == "case_1")
        #expect(body["amount"] as? Int == 12_900)
        #expect(body["currency"] as? String == "eur")
        #expect(body["terms"] as? String == "instalments_6")
        #expect(body["reason"] as? String == "cash_flow")
        let customer = try #require(body["customer"] as? [String: Any])
        #expect(customer["id"] as? String == "cus_42")
        #expect(customer["name"] as? String == "Rosa \"Bakery\" Ltd")
        #expect(customer["email"] as? String == "owner@bakery.example")
        let invoice = try #require(body["invoice"] as? [String: Any])
        #expect(invoice["id"] as? String == "in_1001")
        #expect(invoice["amount_due"] as? Int == 12_900)
        #expect(invoice["due_at"] as? Int == Int(Fixtures.now - 86_400))
        let terms = try #require(body["proposed_terms"] as? [String: Any])
        #expect(terms["instalments"] as? Int == 6)
        #expect(terms["first_due_in_days"] as? Int == 30)
    }

    @Test func financingTermsDefaultToThreeInstalments() throws {
        let body = try Fixtures.json(build(.financingOffer, parameters: [:]))
        #expect(body["terms"] as? String == "instalments_3")
        #expect((body["proposed_terms"] as? [String: Any])?["instalments"] as? Int == 3)
        let odd = try Fixtures.json(build(.financingOffer, parameters: ["terms": "net_terms"]))
        #expect((odd["proposed_terms"] as? [String: Any])?["instalments"] as? Int == 3)
    }

    @Test func dunningCarriesTemplateStepAndPayLinkData() throws {
        let body = try Fixtures.json(build(.dunningEmail, parameters: ["template": "card_update", "step": "2"]))
        #expect(body["message_id"] as? String == "act_9")
        #expect(body["template"] as? String == "card_update")
        #expect(body["step"] as? Int == 2)
        #expect(body["update_payment_method"] as? Bool == true)
        let link = try #require(body["pay_link_data"] as? [String: Any])
        #expect(link["invoice_id"] as? String == "in_1001")
        #expect(link["amount"] as? Int == 12_900)
        #expect(link["currency"] as? String == "eur")
        let reminder = try Fixtures.json(build(.dunningEmail, parameters: ["template": "friendly_reminder"]))
        #expect(reminder["update_payment_method"] as? Bool == false)
        #expect(reminder["step"] is NSNull)
    }

    @Test func retryPaymentHasAnEmptyBody() {
        #expect(build(.retryPayment, parameters: [:]) == "{}")
    }

    @Test func notifyOpsSummarisesTheCase() throws {
        let body = try Fixtures.json(build(.notifyOps, parameters: ["reason": "voluntary cancellation"]))
        #expect(body["case_id"] as? String == "case_1")
        #expect(body["customer_id"] as? String == "cus_42")
        #expect(body["category"] as? String == "cash_flow")
        #expect(body["amount"] as? Int == 12_900)
        #expect(body["reason"] as? String == "voluntary cancellation")
    }

    @Test func keysAreSortedAndOutputIsStable() {
        let first = build(.financingOffer, parameters: [:])
        #expect(first == build(.financingOffer, parameters: [:]))
        #expect(first.hasPrefix("{\"amount\":12900,\"case_id\":\"case_1\",\"currency\":\"eur\",\"customer\":{\"email\":"))
    }

    @Test(arguments: [ActionKind.financingOffer, .dunningEmail, .notifyOps, .retryPayment])
    func everyLevelIsInJSONEncodersSortedOrder(_ kind: ActionKind) throws {
        let payload = build(kind, parameters: ["terms": "instalments_6", "template": "update_card", "step": "2"])
        let object = try JSONSerialization.jsonObject(with: Data(payload.utf8))
        let resorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(String(decoding: resorted, as: UTF8.self) == payload)
    }

    @Test func missingCustomerFallsBackToTheCaseCustomerID() throws {
        let body = try Fixtures.json(build(.financingOffer, parameters: [:], customer: nil))
        let customer = try #require(body["customer"] as? [String: Any])
        #expect(customer["id"] as? String == "cus_42")
        #expect(customer["name"] is NSNull)
    }

    @Test func controlCharactersAreEscaped() throws {
        var customer = Fixtures.customer
        customer.name = "Line\none\ttab\u{1}\\"
        let body = try Fixtures.json(build(.dunningEmail, parameters: [:], customer: customer))
        #expect((body["customer"] as? [String: Any])?["name"] as? String == "Line\none\ttab\u{1}\\")
    }
}
