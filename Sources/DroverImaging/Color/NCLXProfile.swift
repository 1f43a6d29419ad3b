import CDroverColor
import Foundation

/// Colours stated as H.273 code points (an AVIF or HEIC `nclx` colour box) instead of an ICC profile: turned into an
/// ICC profile that says the same, so that they go through the same conversion to sRGB.
struct NCLXProfile: Equatable {
    /// H.273 colour primaries (1 BT.709/sRGB, 9 BT.2020, 11 DCI-P3, 12 Display P3, ...).
    var primaries: Int
    /// H.273 transfer characteristics (13 sRGB, 1/6/14/15 BT.709, 16 PQ, 18 HLG, ...).
    var transfer: Int
    /// x, y of red, green, blue and white, as the primaries define them.
    var chromaticities: [Double]

    /// The tone curve of `transfer`; nil for HDR curves (PQ, HLG), which an 8-bit sRGB output cannot show.
    var curve: Int32? {
        switch transfer {
        case 2, 13: Int32(DROVER_COLOR_CURVE_SRGB)  // unspecified: taken as sRGB's, as browsers do
        case 1, 6, 14, 15: Int32(DROVER_COLOR_CURVE_BT709)
        case 4: Int32(DROVER_COLOR_CURVE_GAMMA22)
        case 5: Int32(DROVER_COLOR_CURVE_GAMMA28)
        case 8: Int32(DROVER_COLOR_CURVE_LINEAR)
        default: nil
        }
    }

    /// Whether the code points say sRGB already (BT.709 primaries, or unspecified ones, with an sRGB-like curve).
    var isSRGB: Bool { [1, 2].contains(primaries) && [1, 2, 6, 13, 14, 15].contains(transfer) }

    /// A name for reports.
    var name: String {
        let known = [9: "BT.2020", 11: "DCI-P3", 12: "Display P3"][primaries] ?? "primaries \(primaries)"
        return "\(known) (nclx, transfer \(transfer))"
    }

    /// An ICC profile for these code points; nil when they are sRGB already, or when the curve is not one Drover
    /// converts (HDR), so the pixels are kept as they are.
    var iccProfile: [UInt8]? {
        guard !isSRGB, let curve, chromaticities.count == 8, chromaticities.allSatisfy({ $0 > 0 && $0 < 1 }) else { return nil }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = chromaticities.withUnsafeBufferPointer { values in
            drover_color_rgb_profile(values.baseAddress, curve, name, &output, &length, &message, message.count)
        }
        guard status == 0, let output else { return nil }
        defer { free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
