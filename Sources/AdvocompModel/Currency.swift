/// An ISO 4217 currency and its minor units (SPEC section 1).
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    public let code: String
    /// Digits after the decimal point: 2 for USD, 0 for JPY, 3 for BHD.
    public let minorDigits: Int

    public var description: String { code }

    /// The currency for an ISO code, or nil when the code is not an active ISO 4217 code.
    public init?(code: String) {
        guard let digits = Currency.table[code] else { return nil }
        self.code = code
        self.minorDigits = digits
    }

    /// Stands in while a plan with a bad currency is still being checked (never used
    /// for a calculation: such a plan has an error).
    public static let placeholder = Currency(validated: "XXX", minorDigits: 2)

    private init(validated code: String, minorDigits: Int) {
        self.code = code
        self.minorDigits = minorDigits
    }

    public static let allCodes: [String] = table.keys.sorted()

    // Active ISO 4217 codes with their minor units. Codes with no minor units (0) and
    // three (3) are listed by name; everything else here has two.
    static let table: [String: Int] = {
        var t: [String: Int] = [:]
        let two = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP \
        BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP \
        GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT \
        LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN \
        NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP \
        SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES \
        WST XCD YER ZAR ZMW ZWG
        """
        for c in two.split(separator: " ") { t[String(c)] = 2 }
        for c in ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                  "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"] { t[c] = 0 }
        for c in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] { t[c] = 3 }
        return t
    }()
}
