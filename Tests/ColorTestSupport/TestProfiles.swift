import CLCMS2

/// ICC profiles of the wide-gamut spaces cameras and phones use, built with LittleCMS (`cmsCreateRGBProfile`, saved with
/// `cmsSaveProfileToMem`) from their published primaries, white points and tone curves, for the color tests of every
/// test target.
public enum TestProfiles {
    /// xy chromaticities of a white point and three primaries.
    public struct Primaries {
        public var white: (Double, Double)
        public var red: (Double, Double)
        public var green: (Double, Double)
        public var blue: (Double, Double)
    }

    public enum Curve {
        /// sRGB's piecewise curve (IEC 61966-2-1), as Display P3 uses.
        case sRGB
        case gamma(Double)
    }

    public static let d65 = (0.3127, 0.3290)

    /// Display P3 (Apple): DCI-P3 primaries, D65 white, sRGB's tone curve.
    public static let displayP3 = rgbProfile(
        "Display P3 (test)", Primaries(white: d65, red: (0.680, 0.320), green: (0.265, 0.690), blue: (0.150, 0.060)), curve: .sRGB)
    /// Adobe RGB (1998): D65 white, gamma 563/256.
    public static let adobeRGB = rgbProfile(
        "Adobe RGB (1998) (test)", Primaries(white: d65, red: (0.64, 0.33), green: (0.21, 0.71), blue: (0.15, 0.06)),
        curve: .gamma(563.0 / 256.0))
    /// ProPhoto RGB (ROMM RGB): D50 white, gamma 1.8.
    public static let proPhoto = rgbProfile(
        "ProPhoto RGB (test)", Primaries(white: (0.3457, 0.3585), red: (0.7347, 0.2653), green: (0.1596, 0.8404), blue: (0.0366, 0.0001)),
        curve: .gamma(1.8))

    /// A matrix/TRC RGB profile (ICC v4, as LittleCMS writes it).
    public static func rgbProfile(_ name: String, _ p: Primaries, curve: Curve) -> [UInt8] {
        var white = cmsCIExyY(x: p.white.0, y: p.white.1, Y: 1)
        var primaries = cmsCIExyYTRIPLE(
            Red: cmsCIExyY(x: p.red.0, y: p.red.1, Y: 1), Green: cmsCIExyY(x: p.green.0, y: p.green.1, Y: 1),
            Blue: cmsCIExyY(x: p.blue.0, y: p.blue.1, Y: 1))
        let tone = toneCurve(curve)
        defer { cmsFreeToneCurve(tone) }
        var curves: [OpaquePointer?] = [tone, tone, tone]
        let profile = curves.withUnsafeMutableBufferPointer { cmsCreateRGBProfile(&white, &primaries, $0.baseAddress) }!
        defer { cmsCloseProfile(profile) }
        describe(profile, name)
        return save(profile)
    }

    /// A gray profile with a plain gamma.
    public static func gray(gamma: Double) -> [UInt8] {
        let tone = toneCurve(.gamma(gamma))
        defer { cmsFreeToneCurve(tone) }
        let profile = cmsCreateGrayProfile(cmsD50_xyY(), tone)!
        defer { cmsCloseProfile(profile) }
        describe(profile, "Gray gamma \(gamma) (test)")
        return save(profile)
    }

    /// LittleCMS's own sRGB profile, as Pillow's `ImageCms.createProfile("sRGB")` makes it.
    public static func lcmsSRGB() -> [UInt8] {
        let profile = cmsCreate_sRGBProfile()!
        defer { cmsCloseProfile(profile) }
        return save(profile)
    }

    private static func toneCurve(_ curve: Curve) -> OpaquePointer {
        switch curve {
        case .sRGB:
            let parameters: [Double] = [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]
            return cmsBuildParametricToneCurve(nil, 4, parameters)!
        case .gamma(let gamma):
            return cmsBuildGamma(nil, gamma)!
        }
    }

    private static func describe(_ profile: cmsHPROFILE, _ text: String) {
        let mlu = cmsMLUalloc(nil, 1)!
        defer { cmsMLUfree(mlu) }
        cmsMLUsetASCII(mlu, "en", "US", text)
        cmsWriteTag(profile, cmsSigProfileDescriptionTag, UnsafeRawPointer(mlu))
    }

    private static func save(_ profile: cmsHPROFILE) -> [UInt8] {
        var size: cmsUInt32Number = 0
        cmsSaveProfileToMem(profile, nil, &size)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        cmsSaveProfileToMem(profile, &bytes, &size)
        return bytes
    }
}
