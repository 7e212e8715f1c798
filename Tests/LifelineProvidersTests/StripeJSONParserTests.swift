import LifelineCore
import Testing
@testable import LifelineProviders

/// The single-pass parser is strict where a lenient one would let two readings of a body exist.
@Suite struct StripeJSONParserTests {
    static let refused: [(name: String, body: [UInt8])] = [
        ("trailing comma in an object", Array(#"{"a":1,}"#.utf8)),
        ("trailing comma in an array", Array("[1,]".utf8)),
        ("leading zero", Array("[01]".utf8)),
        ("bare fraction point", Array("[1.]".utf8)),
        ("exponent without digits", Array("[1e]".utf8)),
        ("single quotes", Array("{'a':1}".utf8)),
        ("raw newline in a string", Array("[\"a\nb\"]".utf8)),
        ("invalid UTF-8 in a string", [UInt8(ascii: "["), UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\""), UInt8(ascii: "]")]),
        ("invalid UTF-8 after an escape", [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), 0xFF, UInt8(ascii: "\"")]),
        ("lone high surrogate", Array(#"["\ud800"]"#.utf8)),
        ("lone low surrogate", Array(#"["\udc00"]"#.utf8)),
        ("unknown escape", Array(#"["\x41"]"#.utf8)),
        ("NaN", Array("[NaN]".utf8)),
        ("two values", Array("{} {}".utf8)),
        ("duplicate key", Array(#"{"amount":1,"amount":900}"#.utf8)),
        ("duplicate key spelled with an escape", Array(#"{"id":"a","\u0069d":"b"}"#.utf8)),
        ("nested 65 deep", Array((String(repeating: "[", count: 65) + String(repeating: "]", count: 65)).utf8)),
        ("number past Double", Array("[1e400]".utf8)),
        ("empty body", []),
    ]

    @Test(arguments: 0..<refused.count) func refusesWithAClearReason(_ index: Int) {
        let input = Self.refused[index]
        #expect(throws: WebhookRejection.self, "\(input.name)") { try StripeJSON.parseFast(input.body) }
    }

    @Test func acceptsEscapesSurrogatePairsAndSixtyFourLevels() throws {
        let text = #"{"s":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00","deep":"# + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}"
        guard case .object(let fields) = try StripeJSON.parseFast(Array(text.utf8)) else { Issue.record("not an object"); return }
        #expect(fields["s"] == .string("a\"b\\c/d\u{8}\u{c}\n\r\té😀"))
    }

    @Test func numbersAreExact() throws {
        #expect(try StripeJSON.parseFast(Array("[-9223372036854775808,9223372036854775807,4.9e3,-0,2.5]".utf8))
            == .array([.integer(.min), .integer(.max), .integer(4_900), .integer(0), .fraction(2.5)]))
    }

    @Test func theReasonNamesTheProblemAndItsOffset() {
        do {
            _ = try StripeJSON.parseFast(Array(#"{"a":1,}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.detail == "body is not valid JSON: expected a quoted key at byte 7")
        }
        do {
            _ = try StripeJSON.parseFast(Array(#"{"amount":1,"amount":2}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.detail == #"duplicate key "amount" in a JSON object"#)
        }
    }
}
