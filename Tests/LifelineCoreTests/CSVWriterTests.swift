import LifelineCore
import Testing

/// The one CSV writer of every export: RFC 4180, formulas neutralised in every text cell,
/// numbers Lifeline writes left as numbers, decimals in each currency's digits, ISO 8601 times.
@Suite("CSV writer")
struct CSVWriterTests {
    @Test("a text cell starting like a formula is neutralised", arguments: [
        "=1+1", "+33 6 12 34 56 78", "-2", "@SUM(A1)", "\tindented", "\rreturn", "=HYPERLINK(\"http://x\",\"y\")",
    ])
    func formulasAreNeutralised(_ text: String) {
        var writer = CSVWriter()
        writer.row([text])
        let cell = CSVWriter.field("'" + text)
        #expect(writer.text == cell + "\r\n")
        #expect(CSVCell.text(text).value == "'" + text)
    }

    @Test func plainTextAndNumbersAreLeftAlone() {
        #expect(CSVCell.text("mid-market").value == "mid-market")
        #expect(CSVCell.text(nil).value == "")
        #expect(CSVCell.integer(-1_250).value == "-1250")
        #expect(CSVCell.integer(Int?.none).value == "")
        #expect(CSVCell.decimal(-1_250, currency: "eur").value == "-12.50")
        #expect(CSVCell.number("-3.25").value == "-3.25")
        var writer = CSVWriter(header: ["a", "b", "c"])
        writer.row([.text("x,y"), .integer(-5), .decimal(5, currency: "usd")])
        #expect(writer.text == "a,b,c\r\n\"x,y\",-5,0.05\r\n")
    }

    @Test func decimalsUseTheCurrencysDigits() {
        #expect(Money(490_000, "eur").decimalText == "4900.00")
        #expect(Money(5, "EUR").decimalText == "0.05")
        #expect(Money(0, "gbp").decimalText == "0.00")
        #expect(Money(4_900, "jpy").decimalText == "4900")
        #expect(Money(-1_234, "kwd").decimalText == "-1.234")
        #expect(Money(Int64.min, "eur").decimalText == "-92233720368547758.08")
    }

    @Test func timesAreISO8601UTC() {
        #expect(UTCDate.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UTCDate.iso8601(1_790_838_000) == "2026-10-01T07:00:00Z")
        #expect(UTCDate.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(CSVCell.time(1_795_435_200).value == "2026-11-23T12:00:00Z")
        #expect(CSVCell.time(nil).value == "")
    }

    @Test func datesInAreDaysRFC3339TimesOrUnixSeconds() {
        #expect(ReportDate.parse("2026-11-23T12:00:00Z") == 1_795_435_200)
        #expect(ReportDate.parse("2026-11-23t12:00:00z") == 1_795_435_200)
        #expect(ReportDate.parse("2026-11-23T13:30:00+01:30") == 1_795_435_200)
        #expect(ReportDate.parse("2026-11-23T10:00:00-02:00") == 1_795_435_200)
        #expect(ReportDate.parse("2026-11-23T12:00:00.999Z") == 1_795_435_200)
        #expect(ReportDate.parse("2016-12-31T23:59:60Z") == ReportDate.parse("2016-12-31T23:59:59Z"))
        for bad in ["2026-11-23T24:00:00Z", "2026-11-23T12:00:00", "2026-11-23T12:00Z", "2026-11-23 12:00:00Z", "2026-11-23T12:00:00.Z",
                    "2026-11-23T12:00:00+0100", "2026-11-23T12:00:00+01:00x", "123456789012", " 2026-01-01", "2026-01-01 ", "-5", ""] {
            #expect(ReportDate.parse(bad) == nil, "\(bad)")
        }
        #expect(ReportDate.parse("99999999999") == 99_999_999_999)
    }
}
