import CDroverColor
import Synchronization

/// An embedded ICC profile checked by LittleCMS: what kind of pixels it describes, whether it is sRGB, and its
/// transforms to sRGB (built on first use, one per pixel layout). Profiles come from ``ColorProfileCache``, so each
/// distinct profile is parsed and checked once per process.
public final class ColorProfile: Sendable {
    /// The kind of pixels a profile describes.
    public enum Space: String, Sendable {
        case gray, rgb, cmyk

        /// Whether pixels of `channels` samples (alpha included: 1–2 gray, 3–4 RGB) are of this kind.
        func fits(channels: Int) -> Bool {
            switch self {
            case .gray: channels == 1 || channels == 2
            case .rgb: channels == 3 || channels == 4
            case .cmyk: false
            }
        }
    }

    public let space: Space
    /// The profile's description tag ("Display P3", "sRGB IEC61966-2.1", ...), or "".
    public let name: String
    /// Whether converting to sRGB changes no sample by more than one level (any of the many sRGB profiles in use):
    /// such pixels are taken as they are.
    public let isSRGB: Bool
    let bytes: [UInt8]
    private let transforms: Mutex<[ColorTransform.Layout: ColorTransform]>

    /// Checks `bytes` with LittleCMS; throws a typed error for a profile that is malformed, too large, or of a kind
    /// Drover does not convert.
    init(bytes: [UInt8]) throws(ImageError) {
        var info = drover_color_profile_info()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { icc in
            message.withUnsafeMutableBufferPointer { drover_color_inspect(icc.baseAddress, icc.count, &info, $0.baseAddress, 256) }
        }
        guard status == 0 else {
            throw ImageError.fromStatus(status, message: message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        self.bytes = bytes
        space = info.space == DROVER_COLOR_SPACE_GRAY ? .gray : info.space == DROVER_COLOR_SPACE_RGB ? .rgb : .cmyk
        name = withUnsafeBytes(of: info.description) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        // Building a transform is what reads the profile's tags: a profile no transform can be built from is refused
        // here, once. Adobe's inverted CMYK is the common kind of CMYK JPEG.
        let first = try ColorTransform(icc: bytes, layout: space == .gray ? .gray : space == .rgb ? .rgb : .cmykInverted)
        isSRGB = space != .cmyk && Self.changesNothing(first)
        transforms = Mutex([first.layout: first])
    }

    /// Whether `transform` (gray or RGB) maps every probe color to itself within one level: all 256 gray levels,
    /// and for RGB also a 16-level cube and the ramps of each primary.
    private static func changesNothing(_ transform: ColorTransform) -> Bool {
        var probe: [UInt8] = []
        if transform.layout == .gray {
            probe = (0...255).map { UInt8($0) }
        } else {
            for r in 0..<16 { for g in 0..<16 { for b in 0..<16 { probe += [UInt8(r * 17), UInt8(g * 17), UInt8(b * 17)] } } }
            for v in 0...255 {
                let level = UInt8(v)
                probe += [level, level, level, level, 0, 0, 0, level, 0, 0, 0, level]
            }
        }
        let channels = transform.inputChannels
        var raster = Raster(width: probe.count / channels, height: 1, channels: channels, pixels: probe)
        transform.apply(to: &raster)
        return zip(probe, raster.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 }
    }

    /// The transform to sRGB for pixels of `layout`, built once.
    func transform(_ layout: ColorTransform.Layout) throws(ImageError) -> ColorTransform {
        if let made = transforms.withLock({ $0[layout] }) { return made }
        let made = try ColorTransform(icc: bytes, layout: layout)
        return transforms.withLock { cache in
            if let other = cache[layout] { return other }
            cache[layout] = made
            return made
        }
    }
}
