import FuzzSupport
import LifelineCore
import LifelineProviders

/// Fuzzes the three signature-header parsers. Input: up to three header lines, then the body.
/// Line 1 is `Stripe-Signature`, `Webhook-Signature` (GoCardless) and `webhook-id`; lines 2
/// and 3 are `webhook-timestamp` and `webhook-signature` (Standard Webhooks).
let now: Int64 = 1_795_435_200
let stripeSecret = "whsec_fuzz_stripe"
let gocardlessSecret = "fuzz_gocardless"
let standardSecret = "whsec_ZnV6ei1zdGFuZGFyZC1rZXktMzItYnl0ZXMtbG9uZyE="

FuzzHarness.main(target: "FuzzSignatures") { input in
    let parts = input.split(separator: UInt8(ascii: "\n"), maxSplits: 3, omittingEmptySubsequences: false)
    let line = { (index: Int) -> String in index < parts.count ? String(decoding: parts[index], as: UTF8.self) : "" }
    let body = parts.count > 3 ? Array(parts[3]) : []

    let stripe = StripeSignature(secrets: [stripeSecret, "whsec_other"])
    _ = try? stripe.verify(body: body, header: line(0), now: now)
    let gocardless = GoCardlessSignature(secrets: [gocardlessSecret])
    _ = try? gocardless.verify(body: body, header: line(0))
    let standard = StandardWebhooksSignature(secrets: [standardSecret, "not-base64!"])
    let fuzzed = WebhookHeaders([("webhook-id", line(0)), ("webhook-timestamp", line(1)), ("webhook-signature", line(2))])
    _ = try? standard.verify(body: body, headers: fuzzed, now: now)

    // Properties: a genuine signature always verifies, also next to fuzzed ones; a changed body never does.
    let stripeHeader = StripeSignature.header(body: body, secret: stripeSecret, timestamp: now)
    precondition((try? stripe.verify(body: body, header: stripeHeader, now: now)) != nil, "genuine Stripe signature refused")
    _ = try? stripe.verify(body: body, header: "\(line(0)),\(stripeHeader)", now: now)
    precondition((try? stripe.verify(body: body + [0], header: stripeHeader, now: now)) == nil, "Stripe signature accepted on another body")
    let gocardlessHeader = GoCardlessSignature.header(body: body, secret: gocardlessSecret)
    precondition((try? gocardless.verify(body: body, header: gocardlessHeader)) != nil, "genuine GoCardless signature refused")
    precondition((try? gocardless.verify(body: body + [0], header: gocardlessHeader)) == nil, "GoCardless signature accepted on another body")
    let id = line(0).isEmpty ? "msg_fuzz" : line(0)
    var genuine = StandardWebhooksSignature.headers(id: id, timestamp: now, body: body, secret: standardSecret)
    precondition((try? standard.verify(body: body, headers: WebhookHeaders(genuine), now: now)) != nil, "genuine Standard signature refused")
    precondition((try? standard.verify(body: body + [0], headers: WebhookHeaders(genuine), now: now)) == nil, "Standard signature accepted on another body")
    genuine[2].1 = "\(line(2)) \(genuine[2].1)"
    _ = try? standard.verify(body: body, headers: WebhookHeaders(genuine), now: now)
}
