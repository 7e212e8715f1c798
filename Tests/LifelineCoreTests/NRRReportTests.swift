import LifelineCore
import Testing

/// The NRR maths on hand-made ledgers: every expected figure below is computed by hand.
@Suite("NRR report")
struct NRRReportTests {
    static let from = ReportDate.parse("2026-01-01")!
    static let to = ReportDate.parse("2027-01-01")!
    static let before = ReportDate.parse("2025-06-01")!
    static let period = ReportPeriod(from: from, to: to)
    static let day: Int64 = 86_400

    /// One movement; `at` days after the period starts (negative: before it).
    static func move(_ customer: String, _ kind: MovementKind, _ before: Int64, _ after: Int64, day: Int64, currency: String = "eur") -> MRRMovement {
        MRRMovement(
            customerID: customer, subscriptionID: "sub_\(customer)", currency: currency, kind: kind,
            mrrBefore: before, mrrAfter: after, occurredAt: from + day * Self.day, eventID: "evt_\(customer)_\(day)"
        )
    }

    static func customer(_ id: String, segment: String? = nil, firstPaid: String? = "2025-06-01") -> CustomerRecord {
        CustomerRecord(id: id, segment: segment, firstSeenAt: before, firstPaidAt: firstPaid.flatMap(ReportDate.parse), lastEventAt: before)
    }

    static func report(
        _ movements: [MRRMovement], customers: [CustomerRecord] = [], cases: [RecoveryCase] = [],
        grouping: ReportGrouping = .none, currency: String? = nil, settings: ReportSettings = .standard
    ) throws -> NRRReport {
        let ids = Set(movements.map(\.customerID))
        let known = customers.isEmpty ? ids.sorted().map { customer($0) } : customers
        return try NRRReportBuilder.build(
            ReportInput(movements: movements, customers: known, cases: cases),
            query: ReportQuery(period: period, grouping: grouping, currency: currency), settings: settings
        )
    }

    static func total(_ report: NRRReport) throws -> NRRFigures {
        try #require(report.totals.count == 1, "one currency expected, got \(report.totals.map(\.currency))")
        return report.totals[0]
    }

    @Test("1,000 k ARR +150 expansion −50 contraction −80 churn → 102 %")
    func firstWorkedExample() throws {
        // NRR is a ratio: ARR figures (k€ as units) give the same result as their MRR.
        let figures = try Self.total(try Self.report([
            Self.move("a", .new, 0, 500, day: -200), Self.move("b", .new, 0, 420, day: -190), Self.move("c", .new, 0, 80, day: -180),
            Self.move("a", .expansion, 500, 650, day: 40),
            Self.move("b", .contraction, 420, 370, day: 100),
            Self.move("c", .voluntaryChurn, 80, 0, day: 200),
        ]))
        #expect(figures.startMRR == 1_000)
        #expect(figures.flows == MRRFlows(expansion: 150, contraction: 50, voluntaryChurn: 80))
        #expect(figures.endMRR == 1_020)
        #expect(figures.nrr?.basisPoints == 10_200)
        #expect(figures.nrr?.percent(decimals: 2) == "102.00")
        #expect(figures.grr?.percent(decimals: 1) == "87.0")
        #expect(figures.customers == 3)
    }

    @Test("100 k MRR +15 expansion −10 churn → 105 %")
    func secondWorkedExample() throws {
        let k: Int64 = 100_000  // 1 k€ in cents
        let figures = try Self.total(try Self.report([
            Self.move("d", .new, 0, 60 * k, day: -90), Self.move("e", .new, 0, 30 * k, day: -60), Self.move("f", .new, 0, 10 * k, day: -30),
            Self.move("d", .expansion, 60 * k, 75 * k, day: 10),
            Self.move("f", .involuntaryChurn, 10 * k, 0, day: 20),
        ]))
        #expect(figures.startMRR == 100 * k)
        #expect(figures.nrr?.percent(decimals: 2) == "105.00")
        #expect(figures.grr?.percent(decimals: 2) == "90.00")
        #expect(figures.flows.involuntaryChurn == 10 * k)
        #expect(figures.endMRR == 105 * k)
    }

    @Test func reactivationCountsOnlyForTheStartingCohort() throws {
        let figures = try Self.total(try Self.report([
            Self.move("g", .new, 0, 1_000, day: -100),
            Self.move("g", .involuntaryChurn, 1_000, 0, day: 30),
            Self.move("g", .reactivation, 0, 1_200, day: 90),
            // New in the period: not in the cohort.
            Self.move("h", .new, 0, 5_000, day: 10),
            // Churned before the period and back during it: MRR 0 at `from`, not in the cohort.
            Self.move("i", .new, 0, 700, day: -300), Self.move("i", .voluntaryChurn, 700, 0, day: -200),
            Self.move("i", .reactivation, 0, 700, day: 50),
        ]))
        #expect(figures.customers == 1)
        #expect(figures.flows == MRRFlows(involuntaryChurn: 1_000, reactivation: 1_200))
        // (1,000 + 1,200 − 1,000) / 1,000
        #expect(figures.nrr?.percent(decimals: 2) == "120.00")
        // Back within the period: retained, at most at its start (min(1,200, 1,000) / 1,000).
        #expect(figures.grr?.percent(decimals: 2) == "100.00")
        #expect(figures.grossRetainedMRR == 1_000)
        #expect(figures.endMRR == 1_200)
    }

    @Test("annual plans count for a twelfth a month")
    func annualPlans() throws {
        func yearly(_ amount: Int64) -> Int64 {
            MRRCalculator.monthly(SubscriptionInfo(
                id: "sub_j", status: .active, currency: "eur", items: [SubscriptionItem(unitAmount: amount, interval: .year)]
            ))
        }
        #expect(yearly(120_000) == 10_000)
        let figures = try Self.total(try Self.report([
            Self.move("annual", .new, 0, yearly(120_000), day: -40),
            Self.move("monthly", .new, 0, 5_000, day: -40),
            Self.move("annual", .expansion, yearly(120_000), yearly(180_000), day: 60),
        ]))
        #expect(figures.startMRR == 15_000)
        #expect(figures.flows.expansion == 5_000)
        // 20,000 / 15,000 exactly, rounded only when shown.
        #expect(figures.nrr == Ratio(20_000, over: 15_000))
        #expect(figures.nrr?.percent(decimals: 2) == "133.33")
        #expect(figures.nrr?.basisPoints == 13_333)
    }

    @Test func customerWhoDowngradesThenChurns() throws {
        let figures = try Self.total(try Self.report([
            Self.move("j", .new, 0, 20_000, day: -50),
            Self.move("k", .new, 0, 30_000, day: -50),
            Self.move("j", .contraction, 20_000, 12_000, day: 30),
            Self.move("j", .voluntaryChurn, 12_000, 0, day: 120),
        ]))
        #expect(figures.flows == MRRFlows(contraction: 8_000, voluntaryChurn: 12_000))
        #expect(figures.endMRR == 30_000)
        // (50,000 − 8,000 − 12,000) / 50,000: the whole 20,000 is lost, once.
        #expect(figures.nrr?.percent(decimals: 2) == "60.00")
        #expect(figures.grr?.percent(decimals: 2) == "60.00")
    }

    @Test("GRR per customer: a dip and a return within the period is retained; expansion offsets no one's loss")
    func grossRetentionPerCustomer() throws {
        let report = try Self.report([
            Self.move("p", .new, 0, 10_000, day: -90),
            Self.move("q", .new, 0, 10_000, day: -90),
            Self.move("r", .new, 0, 10_000, day: -90),
            // p leaves for lack of cash, then comes back: retained, whatever happened between.
            Self.move("p", .involuntaryChurn, 10_000, 0, day: 40),
            Self.move("p", .reactivation, 0, 10_000, day: 70),
            // q oscillates and ends lower: keeps 5,000 of its 10,000.
            Self.move("q", .contraction, 10_000, 2_000, day: 20),
            Self.move("q", .expansion, 2_000, 12_000, day: 60),
            Self.move("q", .contraction, 12_000, 5_000, day: 300),
            // r doubles: retained at its start, never above it.
            Self.move("r", .expansion, 10_000, 20_000, day: 100),
        ], customers: [Self.customer("p", segment: "TPE"), Self.customer("q", segment: "TPE"), Self.customer("r", segment: "PME")], grouping: .segment)
        let figures = try Self.total(report)
        #expect(figures.startMRR == 30_000 && figures.endMRR == 35_000)
        #expect(figures.grossRetainedMRR == 25_000)
        // (10,000 + 5,000 + 10,000) / 30,000; the sum of movements would say (30,000 − 15,000 − 10,000) / 30,000.
        #expect(figures.grr?.percent(decimals: 2) == "83.33")
        #expect(figures.nrr?.percent(decimals: 2) == "116.67")
        let segments = Dictionary(uniqueKeysWithValues: report.groups.map { ($0.group, $0) })
        #expect(segments["TPE"]?.grr?.percent(decimals: 2) == "75.00")
        #expect(segments["PME"]?.grr?.percent(decimals: 2) == "100.00")
        // Converted into another currency, each member's retained MRR is converted with it.
        let converted = try Self.total(try Self.report([
            Self.move("p", .new, 0, 10_000, day: -90),
            Self.move("s", .new, 0, 10_000, day: -90, currency: "usd"),
            Self.move("s", .contraction, 10_000, 4_000, day: 10, currency: "usd"),
            Self.move("s", .expansion, 4_000, 30_000, day: 20, currency: "usd"),
            Self.move("p", .voluntaryChurn, 10_000, 0, day: 30),
        ], currency: "eur", settings: ReportSettings(bands: .standard, rates: CurrencyRates(base: "eur", perMillion: ["usd": 500_000]))))
        #expect(converted.startMRR == 15_000 && converted.grossRetainedMRR == 5_000)
        #expect(converted.grr?.percent(decimals: 2) == "33.33")
    }

    static func recoveryCase(
        _ id: String, customer: String, status: CaseStatus, mrr: Int64, opened: Int64, recovered: Int64? = nil,
        category: FailureCategory = .cashFlow, action: ActionKind? = nil, currency: String = "eur"
    ) -> RecoveryCase {
        RecoveryCase(
            id: id, customerID: customer, currency: currency, status: status, category: category, mrrAtRisk: mrr,
            amountDue: mrr, stressScore: 70, stressReasons: [], invoiceIDs: [], openedAt: from + opened * day,
            actingAt: action == nil ? nil : from + opened * day + 60, recoveredAt: recovered.map { from + $0 * day },
            lostAt: status == .lost ? from + (opened + 20) * day : nil,
            attributedActionKind: status == .recovered ? action : nil, updatedAt: from + opened * day
        )
    }

    @Test("a recovered case shows NRR recovered and a lower counterfactual NRR")
    func recoveredCase() throws {
        let movements = [
            Self.move("l", .new, 0, 40_000, day: -100), Self.move("m", .new, 0, 60_000, day: -100),
            Self.move("m", .involuntaryChurn, 60_000, 0, day: 150),
            Self.move("late", .new, 0, 9_000, day: 10),
        ]
        let cases = [
            // Saved during the period: counts.
            Self.recoveryCase("case_l", customer: "l", status: .recovered, mrr: 40_000, opened: 20, recovered: 26, action: .financingOffer),
            // Lost: it is the churn above, nothing recovered.
            Self.recoveryCase("case_m", customer: "m", status: .lost, mrr: 60_000, opened: 120, action: .dunningEmail),
            // Recovered before the period: not this period's saving.
            Self.recoveryCase("case_old", customer: "l", status: .recovered, mrr: 40_000, opened: -60, recovered: -50),
            // Not in the starting cohort.
            Self.recoveryCase("case_late", customer: "late", status: .recovered, mrr: 9_000, opened: 40, recovered: 41, category: .technical, action: .retryPayment),
            // Saved a second time: the customer's MRR could only be lost once.
            Self.recoveryCase("case_l2", customer: "l", status: .recovered, mrr: 38_000, opened: 200, recovered: 203, action: .retryPayment),
            // Paid before any action was delivered: recovered, but not by Lifeline.
            Self.recoveryCase("case_m0", customer: "m", status: .recovered, mrr: 60_000, opened: 60, recovered: 61, category: .technical),
        ]
        let report = try Self.report(movements, cases: cases)
        let figures = try Self.total(report)
        #expect(figures.recoveredMRR == 40_000)
        #expect(figures.nrr?.percent(decimals: 2) == "40.00")
        #expect(figures.nrrRecovered?.percent(decimals: 2) == "40.00")
        #expect(figures.counterfactualNRR?.percent(decimals: 2) == "0.00")
        let nrr = try #require(figures.nrr), counterfactual = try #require(figures.counterfactualNRR)
        #expect(figures.nrrRecovered!.basisPoints > 0)
        #expect(counterfactual.basisPoints < nrr.basisPoints)

        // Cases opened in the period: case_l, case_m, case_late, case_l2, case_m0.
        let recovery = report.recovery
        #expect(recovery.funnel.cases == 5)
        #expect(recovery.funnel.recovered == 4)
        #expect(recovery.funnel.lost == 1)
        let cashFlow = try #require(recovery.byCategory.first { $0.key == "cash_flow" })
        #expect(cashFlow.cases == 3)
        #expect(cashFlow.recoveryRate?.percent(decimals: 2) == "66.67")
        // 6 days and 3 days: the mean of the two middle values.
        #expect(cashFlow.medianSecondsToRecover == 9 * Self.day / 2)
        let financing = try #require(recovery.byActionKind.first { $0.key == "financing_offer" })
        #expect(financing.cases == 1 && financing.recovered == 1 && financing.attributed == 1)
        let unattended = try #require(recovery.byActionKind.first { $0.key == "none" })
        // case_m had no delivered action recorded either.
        #expect(unattended.cases == 2 && unattended.recovered == 1 && unattended.attributed == 0)
        let technical = try #require(recovery.byCategory.first { $0.key == "technical" })
        #expect(technical.medianSecondsToRecover == Self.day)
    }

    @Test("a saved customer who leaves anyway keeps nothing in")
    func savedThenChurned() throws {
        let movements = [
            Self.move("n", .new, 0, 10_000, day: -30), Self.move("o", .new, 0, 10_000, day: -30),
            Self.move("n", .voluntaryChurn, 10_000, 0, day: 90),
            Self.move("o", .contraction, 10_000, 6_000, day: 100),
        ]
        let cases = [
            Self.recoveryCase("case_n", customer: "n", status: .recovered, mrr: 10_000, opened: 10, recovered: 12, action: .retryPayment),
            Self.recoveryCase("case_o", customer: "o", status: .recovered, mrr: 10_000, opened: 10, recovered: 12, action: .retryPayment),
        ]
        let figures = try Self.total(try Self.report(movements, cases: cases))
        // n churned anyway (nothing kept); o still pays 6,000 of the 10,000 at risk.
        #expect(figures.recoveredMRR == 6_000)
        #expect(figures.nrr?.percent(decimals: 2) == "30.00")
        #expect(figures.nrrRecovered?.percent(decimals: 2) == "30.00")
        #expect(figures.counterfactualNRR?.percent(decimals: 2) == "0.00")
    }

    @Test func emptyPeriodAndEmptyCohortHaveNoNRR() throws {
        let nothing = try Self.report([])
        #expect(nothing.totals.isEmpty)
        #expect(nothing.groups.isEmpty)
        #expect(nothing.csv == NRRReport.csvHeader.joined(separator: ",") + "\r\n")
        let zero = NRRFigures(group: "all", currency: "eur")
        #expect(zero.nrr == nil && zero.grr == nil && zero.nrrRecovered == nil && zero.counterfactualNRR == nil)
        #expect(zero.nrr.display() == "n/a")
        // Only new customers: the cohort at `from` is empty.
        let onlyNew = try Self.report([Self.move("n", .new, 0, 1_000, day: 5)])
        #expect(onlyNew.totals.isEmpty)
        // Converted into a currency, the empty total is still a row, with NRR n/a.
        let converted = try Self.report([], currency: "eur")
        #expect(converted.totals.map(\.nrr) == [nil])
        // A cohort and nothing moving: 100 %.
        let quiet = try Self.total(try Self.report([Self.move("q", .new, 0, 1_000, day: -5)]))
        #expect(quiet.nrr?.percent(decimals: 2) == "100.00")
        #expect(throws: ReportError.invalidPeriod(from: Self.from, to: Self.from)) {
            try NRRReportBuilder.build(
                ReportInput(movements: [], customers: []),
                query: ReportQuery(period: ReportPeriod(from: Self.from, to: Self.from))
            )
        }
    }

    @Test func groupsBySegmentFromMetadataElseMRRBands() throws {
        let movements = [
            Self.move("tpe", .new, 0, 5_000, day: -10),
            Self.move("pme", .new, 0, 50_000, day: -10),
            Self.move("mid", .new, 0, 500_000, day: -10),
            Self.move("ent", .new, 0, 2_000_000, day: -10),
            Self.move("tagged", .new, 0, 5_000, day: -10),
            Self.move("pme", .expansion, 50_000, 60_000, day: 10),
        ]
        let customers = ["tpe", "pme", "mid", "ent"].map { Self.customer($0) } + [Self.customer("tagged", segment: "enterprise")]
        let report = try Self.report(movements, customers: customers, grouping: .segment)
        #expect(report.groups.map(\.group) == ["TPE", "PME", "mid-market", "enterprise"])
        #expect(report.groups.map(\.customers) == [1, 1, 1, 2])
        #expect(report.groups[1].nrr?.percent(decimals: 2) == "120.00")
        #expect(report.groups[3].startMRR == 2_005_000)
        // The groups add up to the total.
        #expect(report.groups.reduce(0) { $0 + $1.startMRR } == report.totals[0].startMRR)

        let custom = ReportSettings(bands: SegmentBands([SegmentBand("small", below: 100_000), SegmentBand("large", below: nil)]), rates: CurrencyRates())
        let banded = try Self.report(movements, customers: customers, grouping: .segment, settings: custom)
        #expect(banded.groups.map(\.group) == ["small", "large", "enterprise"])
    }

    @Test func groupsByFirstPaidMonth() throws {
        let movements = [
            Self.move("march", .new, 0, 1_000, day: -200), Self.move("july", .new, 0, 2_000, day: -100),
            Self.move("july2", .new, 0, 3_000, day: -90), Self.move("never", .new, 0, 4_000, day: -80),
            Self.move("july2", .voluntaryChurn, 3_000, 0, day: 15),
        ]
        let customers = [
            Self.customer("march", firstPaid: "2025-03-14"), Self.customer("july", firstPaid: "2025-07-01"),
            Self.customer("july2", firstPaid: "2025-07-31"), Self.customer("never", firstPaid: nil),
        ]
        let report = try Self.report(movements, customers: customers, grouping: .cohort)
        #expect(report.groups.map(\.group) == ["2025-03", "2025-07", "unknown"])
        #expect(report.groups[1].customers == 2)
        #expect(report.groups[1].nrr?.percent(decimals: 2) == "40.00")
    }

    @Test func currenciesSeparatelyOrConverted() throws {
        let movements = [
            Self.move("eu", .new, 0, 100_000, day: -10), Self.move("us", .new, 0, 50_000, day: -10, currency: "usd"),
            Self.move("eu", .expansion, 100_000, 110_000, day: 10),
            Self.move("us", .voluntaryChurn, 50_000, 0, day: 10, currency: "usd"),
        ]
        let settings = ReportSettings(bands: .standard, rates: CurrencyRates(base: "eur", perMillion: ["usd": 920_000]))
        let apart = try Self.report(movements, settings: settings)
        #expect(apart.totals.map(\.currency) == ["eur", "usd"])
        #expect(apart.totals.map { $0.nrr?.percent(decimals: 2) } == ["110.00", "0.00"])

        let inEuros = try Self.total(try Self.report(movements, currency: "EUR", settings: settings))
        #expect(inEuros.currency == "eur")
        #expect(inEuros.startMRR == 146_000)  // 100,000 + 50,000 × 0.92
        #expect(inEuros.flows.voluntaryChurn == 46_000)
        #expect(inEuros.nrr == Ratio(110_000, over: 146_000))

        // Cross rate through the base: 100,000 EUR / 0.92 = 108,695.65 → 108,696 USD cents.
        let inDollars = try Self.total(try Self.report(movements, currency: "usd", settings: settings))
        #expect(inDollars.startMRR == 108_696 + 50_000)

        #expect(throws: ReportError.missingRate(currency: "gbp", base: "eur")) {
            try Self.report(movements, currency: "gbp", settings: settings)
        }
        #expect(CurrencyRates.parse("USD=0.92").map { "\($0.currency)=\($0.perMillion)" } == "usd=920000")
        #expect(CurrencyRates.parse("gbp = 1.1705").map { "\($0.currency)=\($0.perMillion)" } == "gbp=1170500")
        #expect(CurrencyRates.parse("usd=0.1234567") == nil)
        #expect(CurrencyRates.parse("usd=abc") == nil)
        #expect(CurrencyRates.parse("dollar=1") == nil)
    }

    @Test func orderOfTheInputDoesNotMatter() throws {
        let movements = [
            Self.move("a", .new, 0, 1_000, day: -10), Self.move("a", .expansion, 1_000, 1_500, day: 5),
            Self.move("b", .new, 0, 2_000, day: -8), Self.move("b", .contraction, 2_000, 1_000, day: 9),
            Self.move("a", .voluntaryChurn, 1_500, 0, day: 30),
        ]
        #expect(try Self.report(movements) == Self.report(movements.reversed()))
        // Movements after the period are ignored.
        let later = movements + [Self.move("b", .voluntaryChurn, 1_000, 0, day: 400)]
        #expect(try Self.total(try Self.report(later)).endMRR == 1_000)
    }

    @Test func ratiosRenderExactly() {
        #expect(Ratio(2, over: 3)?.percent(decimals: 1) == "66.7")
        #expect(Ratio(1, over: 8)?.percent(decimals: 2) == "12.50")
        #expect(Ratio(-1, over: 8)?.percent(decimals: 1) == "-12.5")
        #expect(Ratio(1, over: 0) == nil)
        #expect(Ratio(Int64.max / 2, over: Int64.max)?.basisPoints == 5_000)
    }

    @Test func datesAreUTCDaysOrUnixSeconds() {
        #expect(ReportDate.parse("2026-01-01") == 1_767_225_600)
        #expect(ReportDate.parse("1767225600") == 1_767_225_600)
        #expect(ReportDate.parse("2024-02-29") != nil)
        #expect(ReportDate.parse("2026-02-29") == nil)
        #expect(ReportDate.parse("2026-13-01") == nil)
        #expect(ReportDate.parse("26-01-01") == nil)
        #expect(ReportDate.parse("yesterday") == nil)
        #expect(ReportDate.month(1_767_225_599) == "2025-12")
        #expect(ReportDate.monthStart(ReportDate.parse("2026-03-17")!, adding: -12) == ReportDate.parse("2025-03-01"))
    }

    @Test func csvQuotesLikeRFC4180() {
        var writer = CSVWriter()
        writer.row(["plain", "a,b", "say \"hi\"", "two\nlines"])
        #expect(writer.text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n")
        #expect(CSVWriter.safeText("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(CSVWriter.safeText("mid-market") == "mid-market")
    }

    @Test func bandsParseFromConfigText() {
        #expect(SegmentBand.parse("TPE < 10000") == SegmentBand("TPE", below: 10_000))
        #expect(SegmentBand.parse("PME<100_000") == SegmentBand("PME", below: 100_000))
        #expect(SegmentBand.parse("enterprise") == SegmentBand("enterprise", below: nil))
        #expect(SegmentBand.parse("< 5") == nil)
        #expect(SegmentBand.parse("x < -5") == nil)
        #expect(SegmentBands.standard.segment(forMRR: 9_999) == "TPE")
        #expect(SegmentBands.standard.segment(forMRR: 10_000) == "PME")
        #expect(SegmentBands.standard.segment(forMRR: 5_000_000) == "enterprise")
    }
}
