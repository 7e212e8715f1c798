/// ISO 4217 currency codes money can be billed in, lowercase; anything else would open a bogus
/// currency in the ledger and the reports. Precious metals, fund units and the test and
/// "no currency" codes (XAU, XDR, XTS, XXX, …) are left out; recently replaced codes stay so
/// older invoices still load.
enum ISO4217 {
    static func contains(_ code: String) -> Bool { codes.contains(code.lowercased()) }

    static let codes: Set<String> = Set("""
        aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob bov brl bsd btn bwp \
        byn byr bzd cad cdf che chf chw clf clp cny cop cou crc cuc cup cve czk djf dkk dop dzd egp ern \
        etb eur fjd fkp gbp gel ghs gip gmd gnf gtq gyd hkd hnl hrk htg huf idr ils inr iqd irr isk jmd \
        jod jpy kes kgs khr kmf kpw krw kwd kyd kzt lak lbp lkr lrd lsl lyd mad mdl mga mkd mmk mnt mop \
        mro mru mur mvr mwk mxn mxv myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar \
        ron rsd rub rwf sar sbd scr sdg sek sgd shp sle sll sos srd ssp std stn svc syp szl thb tjs tmt \
        tnd top try ttd twd tzs uah ugx usd usn uyi uyu uyw uzs ved vef ves vnd vuv wst xaf xcd xcg xof \
        xpf yer zar zmw zwg zwl
        """.split(separator: " ").map(String.init))
}
