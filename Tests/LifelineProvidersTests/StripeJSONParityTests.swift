import Foundation
import LifelineCore
import Testing
@testable import LifelineProviders

/// The single-pass Stripe parse must give exactly the tree of the reference
/// `Decodable` parse, for every sample and for awkward numbers.
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

    @Test func samplesParseTheSame() throws {
        let files = try Self.files()
        #expect(files.count > 20)
        for file in files {
            let body = Array(try Data(contentsOf: file))
            // Bodies the structure guard refuses (repeated keys) never reach the parse.
            guard (try? JSONStructureGuard.check(body)) != nil else { continue }
            #expect(Self.outcome(StripeJSON.parseFast, body) == Self.outcome(StripeJSON.parseReference, body), "\(file.lastPathComponent)")
        }
    }

    @Test(arguments: snippets) func numbersAndFragmentsParseTheSame(_ snippet: String) {
        for text in [snippet, "[\(snippet)]", #"{"v":\#(snippet)}"#] {
            let body = Array(text.utf8)
            #expect(Self.outcome(StripeJSON.parseFast, body) == Self.outcome(StripeJSON.parseReference, body), "\(text)")
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
