import Foundation
import LifelineCore
import Testing

@Suite struct JSONTextTests {
    static let awkward = ["", "plain", "quote \" here", "back\\slash", "line\nbreak\ttab\r", "bell \u{07} nul \u{00}", "café ✓ 🚀", "a/b"]

    @Test func writtenListsAndMapsAreJSONThatFoundationReadsBack() throws {
        let list = try JSONDecoder().decode([String].self, from: Data(JSONText.array(Self.awkward).utf8))
        #expect(list == Self.awkward)
        let map = Dictionary(uniqueKeysWithValues: Self.awkward.enumerated().map { ("k\($0.offset)\($0.element)", $0.element) })
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(JSONText.object(map).utf8))
        #expect(decoded == map)
    }

    @Test func mapsAreWrittenWithSortedKeysSoEqualMapsGiveEqualText() {
        #expect(JSONText.object(["step": "2", "template": "soft", "a": "x"]) == #"{"a":"x","step":"2","template":"soft"}"#)
        #expect(JSONText.object([:]) == "{}")
        #expect(JSONText.array([]) == "[]")
        #expect(JSONText.array(["in_1", "in_2"]) == #"["in_1","in_2"]"#)
    }

    @Test func plainListsAndMapsAreReadBackWithoutADecoder() {
        #expect(JSONText.stringList(#"["in_1","in_2"]"#) == ["in_1", "in_2"])
        #expect(JSONText.stringList(" [ \"a\" , \"café ✓\" ]\n") == ["a", "café ✓"])
        #expect(JSONText.stringList("[]") == [])
        #expect(JSONText.stringMap(#"{"step":"2","template":"soft"}"#) == ["step": "2", "template": "soft"])
        #expect(JSONText.stringMap(" { } ") == [:])
        let map = ["step": "2", "template": "update_card", "": "empty key"]
        #expect(JSONText.stringMap(JSONText.object(map)) == map)
    }

    /// Anything but plain strings in the exact shape is left to a full decoder (nil), never misread.
    @Test func escapesRepeatedKeysAndOtherShapesAreLeftToAFullDecoder() {
        for text in [#"["a\"b"]"#, #"["a\/b"]"#, #"["\u0041"]"#, "[\"tab\there\"]", #"["a",]"#, #"["a" "b"]"#, #"["a"] x"#,
                     #"[1]"#, #"[null]"#, #"{"a":"b"}"#, "", "[", #"["a"#] {
            #expect(JSONText.stringList(text) == nil, "\(text)")
        }
        for text in [#"{"a":"b\n"}"#, #"{"a":"b","a":"c"}"#, #"{"a":1}"#, #"{"a":"b",}"#, #"{"a""b"}"#, #"["a"]"#, "{", #"{"a":"b"} {}"#] {
            #expect(JSONText.stringMap(text) == nil, "\(text)")
        }
    }
}
