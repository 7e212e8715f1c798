import Foundation
import FuzzSupport
import LifelineCore
import LifelineProviders

/// Fuzzes the three signature-header parsers, and the whole verified path behind them.
///
/// Input: an optional mode byte, then up to three header lines, then the body.
/// - Any first byte but 0x01–0x03 (raw mode): line 1 is `Stripe-Signature`,
///   `Webhook-Signature` (GoCardless) and `webhook-id`; lines 2 and 3 are `webhook-timestamp`
///   and `webhook-signature` (Standard Webhooks). Random headers almost never carry a valid HMAC.
/// - 0x01 Stripe, 0x02 GoCardless, 0x03 Standard (signing mode): the harness signs the fuzzed
///   body validly with the fixed test secret (for Standard, under the fuzzed `webhook-id` of
///   line 1), so the provider's verify must pass and its normalizer runs on the body, as the
///   webhook route does; whatever it accepts must pass the shared checks and be stored as JSON
///   that decodes back to the same event.
let now: Int64 = 1_795_435_200
let stripeSecret = "whsec_fuzz_stripe"
let gocardlessSecret = "fuzz_gocardless"
let standardSecret = "whsec_ZnV6ei1zdGFuZGFyZC1rZXktMzItYnl0ZXMtbG9uZyE="

let stripe = StripeSignature(secrets: [stripeSecret, "whsec_other"])
let gocardless = GoCardlessSignature(secrets: [gocardlessSecret])
let standard = StandardWebhooksSignature(secrets: [standardSecret, "not-base64!"])

/// The provider a signing-mode byte stands for.
func signedProvider(_ mode: UInt8) -> (any WebhookProvider)? {
    switch mode {
    case 0x01: StripeProvider(signature: stripe)
    case 0x02: GoCardlessProvider(signature: gocardless)
    case 0x03: StandardProvider(signature: standard)
    default: nil
    }
}

/// The parsers on fuzzed headers, and the properties of a genuine signature next to them.
func raw(body: [UInt8], line: (Int) -> String) {
    _ = try? stripe.verify(body: body, header: line(0), now: now)
    _ = try? gocardless.verify(body: body, header: line(0))
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

/// Signs the body as `provider` would, runs verify then normalize, and checks what comes out.
func signed(_ provider: any WebhookProvider, body: [UInt8], line: (Int) -> String) {
    let id = line(0).isEmpty ? "msg_fuzz" : line(0)
    let secret = switch provider.name {
    case .stripe: stripeSecret
    case .gocardless: gocardlessSecret
    case .standard: standardSecret
    }
    let headers = WebhookHeaders(WebhookSigner.headers(provider: provider.name, body: body, secret: secret, timestamp: now, eventID: id))
    do {
        try provider.verify(body: body, headers: headers, now: now)
    } catch {
        preconditionFailure("\(provider.name) refused its own genuine signature: \(error)")
    }
    // The same headers on another body are refused: the signature covers every byte.
    precondition((try? provider.verify(body: body + [0x20], headers: headers, now: now)) == nil, "\(provider.name) signature accepted on another body")
    // Past the provider's tolerance the same signature is refused (GoCardless signs no time).
    if provider.name != .gocardless {
        precondition((try? provider.verify(body: body, headers: headers, now: now + 3_601)) == nil, "\(provider.name) accepted a stale signature")
    }

    guard let delivery = try? provider.normalize(body: body) else { return }
    var seen = Set<String>()
    for event in delivery.events {
        precondition(!event.id.isEmpty, "\(provider.name) accepted an event without an id")
        seen.insert(event.id)
        guard let normalized = event.normalized else { continue }
        precondition(normalized.id == event.id, "\(provider.name) normalized \(event.id) under another id \(normalized.id)")
        precondition((try? BillingEventValidation.validate(normalized, allowUnknownCurrency: provider.name == .gocardless)) != nil,
                     "\(provider.name) produced an event that fails validation")
        // What the store writes must read back as the same event.
        guard let text = try? normalized.jsonText() else { continue }
        let decoded = try? JSONDecoder().decode(BillingEvent.self, from: Data(text.utf8))
        precondition(decoded == normalized, "\(provider.name): the stored JSON of \(event.id) does not decode to the same event")
    }
}

FuzzHarness.main(target: "FuzzSignatures") { input in
    let provider = input.first.flatMap(signedProvider)
    let rest = provider == nil ? input[...] : input.dropFirst()
    let parts = rest.split(separator: UInt8(ascii: "\n"), maxSplits: 3, omittingEmptySubsequences: false)
    let line = { (index: Int) -> String in index < parts.count ? String(decoding: parts[index], as: UTF8.self) : "" }
    let body = parts.count > 3 ? Array(parts[3]) : []
    if let provider {
        signed(provider, body: body, line: line)
    } else {
        raw(body: body, line: line)
    }
}
