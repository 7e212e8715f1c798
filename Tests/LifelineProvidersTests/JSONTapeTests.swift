import LifelineCore
import Testing
@testable import LifelineProviders

/// What the normalizer reads straight off the tape: lookups, escaped keys, repeated keys in
/// large objects, values decoded on demand.
@Suite struct JSONTapeTests {
    static func tape(_ text: String) throws -> JSONTape { try JSONTape.parse(Array(text.utf8)) }

    @Test func looksUpMembersOfNestedObjectsAndSkipsWholeSubtrees() throws {
        let tape = try Self.tape(#"{"a":{"x":[1,{"y":2}],"z":"in"},"b":[[],{}],"c":"out","d":null}"#)
        let root = StripeObject(tape, entry: JSONTape.root, path: "")
        #expect(try root.string("c") == "out")
        #expect(try root.object("a").string("z") == "in")
        #expect(root.value("d") == nil)
        #expect(root.value("missing") == nil)
        let list = try #require(try root.object("a").optionalList("x"))
        #expect(list.count == 2)
        #expect(list[0] == nil)
        #expect(try list[1]?.integer("y") == 2)
        #expect(list[1]?.path == "a.x[1]")
    }

    @Test func aKeySpelledWithEscapesIsFoundByItsText() throws {
        let tape = try Self.tape(#"{"\u0069d":"evt_1","t\"q":"quoted","s":"caf\u00e9 \ud83d\ude00"}"#)
        let root = StripeObject(tape, entry: JSONTape.root, path: "")
        #expect(try root.string("id") == "evt_1")
        #expect(try root.string("t\"q") == "quoted")
        #expect(try root.string("s") == "café 😀")
        #expect(tape.members(of: JSONTape.root).map(\.key) == ["id", "t\"q", "s"])
    }

    @Test(arguments: [3, 24, 25, 80])
    func refusesARepeatedKeyInObjectsOfAnySize(_ size: Int) {
        let keys = (0..<size).map { "\"k\($0)\":\($0)" }
        let repeated = "{" + keys.joined(separator: ",") + ",\"k\(size / 2)\":0}"
        let spelledWithEscape = "{" + keys.joined(separator: ",") + ",\"\\u006b\(size - 1)\":0}"
        let distinct = "{" + keys.joined(separator: ",") + "}"
        for body in [repeated, spelledWithEscape] {
            #expect(throws: WebhookRejection.self, "\(size) keys") { try Self.tape(body) }
        }
        #expect((try? Self.tape(distinct)) != nil, "\(size) distinct keys")
    }

    @Test func theSameKeyInSiblingObjectsIsNoRepeat() throws {
        let tape = try Self.tape(#"{"a":{"id":1},"b":{"id":2},"id":3}"#)
        let root = StripeObject(tape, entry: JSONTape.root, path: "")
        #expect(try root.object("a").integer("id") == 1)
        #expect(try root.object("b").integer("id") == 2)
        #expect(try root.integer("id") == 3)
    }

    @Test func containersKnowTheirSizeAndEnd() throws {
        let tape = try Self.tape(#"[{"a":[1,2,3]},"s",{}]"#)
        #expect(tape.entries[JSONTape.root].payload == 3)
        #expect(Int(tape.entries[JSONTape.root].next) == tape.entries.count)
        #expect(tape.elements(of: JSONTape.root).map { tape.entries[$0].kind } == [.object, .string, .object])
    }
}
