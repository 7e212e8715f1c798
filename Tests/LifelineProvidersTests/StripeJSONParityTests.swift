import Foundation
import LifelineCore
import Testing
@testable import LifelineProviders

/// The single-pass Stripe parse must give exactly the tree of the reference `Decodable`
/// parse, for every sample and for awkward numbers, and both the value each input stands for.
@Suite struct StripeJSONParityTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func files() throws -> [URL] {
        var found: [URL] = []
        for folder in ["Webhooks", "Fuzz/Corpus"] {
            let root = repository.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                if url.pathExtension == "json" { found.append(url) }
            }
        }
        return found
    }

    static let snippets = [
        "4900", "-1", "0", "-0", "1.0", "0.0", "4.9e3", "1E2", "1.5", "-2.25", "1e-400", "1e400",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "100000000000000000000000", "9007199254740993",
        "9007199254740993.0", "true", "false", "null", #""text""#, #""\u00e9\ud83d\ude00""#,
        #""\ud800""#, "[]", "{}", #"{"a":[1,{"b":null}]}"#, "[1,", "",
    ]

    /// What each snippet parses to on its own; nil is a refusal. Both parses must give exactly
    /// this: agreeing on a refusal of something valid (or on a wrong value) is not parity.
    static let expected: [String: StripeJSON?] = [
        "4900": .integer(4_900), "-1": .integer(-1), "0": .integer(0), "-0": .integer(0), "1.0": .integer(1), "0.0": .integer(0),
        "4.9e3": .integer(4_900), "1E2": .integer(100), "1.5": .fraction(1.5), "-2.25": .fraction(-2.25),
        "1e-400": .integer(0), "1e400": nil,
        "9223372036854775807": .integer(.max), "9223372036854775808": .fraction(9.223372036854775808e18),
        "-9223372036854775808": .integer(.min), "-9223372036854775809": .fraction(-9.223372036854775808e18),
        "18446744073709551615": .fraction(1.8446744073709551616e19), "18446744073709551616": .fraction(1.8446744073709551616e19),
        "100000000000000000000000": .fraction(1e23), "9007199254740993": .integer(9_007_199_254_740_993),
        "9007199254740993.0": .integer(9_007_199_254_740_993),
        "true": .bool(true), "false": .bool(false), "null": .null, #""text""#: .string("text"),
        #""\u00e9\ud83d\ude00""#: .string("é😀"), #""\ud800""#: nil, "[]": .array([]), "{}": .object([:]),
        #"{"a":[1,{"b":null}]}"#: .object(["a": .array([.integer(1), .object(["b": .null])])]),
        "[1,": nil, "": nil,
    ]

    /// Repeated keys and nesting past the limit: the structure guard refuses them before any
    /// parse, and the fast parse refuses them itself.
    static let refusedByTheGuard: Set<String> = ["deep-arrays.json", "stripe-duplicate-keys.json"]

    @Test func samplesParseTheSame() throws {
        let files = try Self.files()
        #expect(files.count > 20)
        var refused: Set<String> = []
        for file in files {
            let body = Array(try Data(contentsOf: file))
            let fast = Self.outcome(StripeJSON.parseFast, body)
            guard (try? JSONStructureGuard.check(body)) != nil else {
                refused.insert(file.lastPathComponent)
                #expect(fast == nil, "\(file.lastPathComponent): refused by the guard, read by the fast parse")
                continue
            }
            // Every sample is valid JSON: a parse that refuses one is wrong, whatever the other says.
            #expect(fast != nil, "\(file.lastPathComponent)")
            #expect(fast == Self.outcome(StripeJSON.parseReference, body), "\(file.lastPathComponent)")
        }
        #expect(refused == Self.refusedByTheGuard)
    }

    @Test(arguments: snippets) func numbersAndFragmentsParseTheSame(_ snippet: String) throws {
        let value = try #require(Self.expected[snippet], "no expected value for \(snippet)")
        // Alone, as an array's element and as an object's member: the same value, or the same refusal.
        let cases: [(String, StripeJSON?)] = snippet.isEmpty
            ? [("", nil), ("[]", .array([])), (#"{"v":}"#, nil)]
            : [(snippet, value), ("[\(snippet)]", value.map { .array([$0]) }), (#"{"v":\#(snippet)}"#, value.map { .object(["v": $0]) })]
        for (text, expected) in cases {
            let body = Array(text.utf8)
            #expect(Self.outcome(StripeJSON.parseFast, body) == expected, "fast: \(text)")
            #expect(Self.outcome(StripeJSON.parseReference, body) == expected, "reference: \(text)")
        }
    }

    @Test func aFractionPastDoublePrecisionIsNotTakenForAnInteger() {
        // The reference parse truncates it to 12345678901234567; the fast one refuses to.
        #expect((try? StripeJSON.parseFast(Array("12345678901234567.5".utf8))) == .fraction(12_345_678_901_234_567.5))
    }

    /// The parsed tree, or nil when the body is refused.
    static func outcome(_ parse: ([UInt8]) throws(WebhookRejection) -> StripeJSON, _ body: [UInt8]) -> StripeJSON? {
        try? parse(body)
    }
}
