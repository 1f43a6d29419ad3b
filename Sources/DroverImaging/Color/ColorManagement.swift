/// How one image's colors reach sRGB, decided once per file from its embedded ICC profile and the kind of pixels it
/// has: convert them, take them as they are, or ignore a profile that cannot describe them. Also says what each output
/// keeps of the profile. Format-independent: any decoder that fills ``ColorMetadata/icc`` gets the same treatment.
///
/// The rules: pixels with a profile are converted to sRGB (LittleCMS, relative colorimetric intent, no black point
/// compensation), unless the profile is sRGB. A profile that is malformed, refused or of another kind than the pixels
/// (a CMYK profile on RGB pixels, an RGB one on gray pixels) is ignored, as libvips does: the pixels are kept and
/// taken as sRGB, and the file does not fail. A CMYK JPEG with a CMYK profile is converted by the decoder itself,
/// before any shrinking (see ``ImageReader/decode(shrink:box:keep16:)``).
public struct ColorManagement: Sendable {
    /// What is done with one file's colors.
    public enum Verdict: Sendable, Equatable {
        /// No profile: the pixels are taken as sRGB, as browsers do.
        case untagged
        /// The profile is sRGB: the pixels are taken as they are.
        case sRGB
        /// The pixels are converted from the profile to sRGB.
        case convert
        /// A CMYK JPEG whose profile the decoder applied: the decoded pixels are sRGB.
        case decodedToSRGB
        /// The profile is not used (the reason): the pixels are taken as sRGB.
        case ignored(String)
    }

    public let verdict: Verdict
    /// The profile, when it is used (every verdict but `untagged` and `ignored`).
    public let profile: ColorProfile?

    /// Decides for a file with embedded profile `icc` and the given header (its format, channels and color model).
    public init(icc: [UInt8]?, header: ImageHeader, cache: ColorProfileCache = .shared) {
        guard let icc, !icc.isEmpty else {
            (verdict, profile) = (.untagged, nil)
            return
        }
        let profile: ColorProfile
        switch cache.profile(for: icc) {
        case .success(let found): profile = found
        case .failure(let error):
            (verdict, self.profile) = (.ignored(Self.reason(error)), nil)
            return
        }
        let cmykFile = header.colorModel == "cmyk" || header.colorModel == "ycck"
        if cmykFile || profile.space == .cmyk {
            (verdict, self.profile) =
                cmykFile && profile.space == .cmyk
                ? (.decodedToSRGB, profile) : (.ignored(Self.mismatch(profile, cmykFile ? "CMYK" : "\(header.channels)-channel")), nil)
        } else if !profile.space.fits(channels: header.channels) {
            (verdict, self.profile) = (.ignored(Self.mismatch(profile, header.channels <= 2 ? "gray" : "RGB")), nil)
        } else {
            (verdict, self.profile) = (profile.isSRGB ? .sRGB : .convert, profile)
        }
    }

    /// The C layer's message ("malformed ICC profile: ..."), without the prefix an image error would add.
    private static func reason(_ error: ImageError) -> String {
        switch error {
        case .corrupt(let text), .limit(let text), .unsupported(let text): text
        default: error.description
        }
    }

    private static func mismatch(_ profile: ColorProfile, _ pixels: String) -> String {
        "\(profile.space.rawValue) profile '\(profile.name)' on \(pixels) pixels"
    }

    /// Converts `raster` to sRGB in place when the verdict is `convert` (16-bit samples become 8-bit). A raster
    /// whose layout the profile cannot take is left as it is.
    public func convert(_ raster: inout Raster) {
        guard verdict == .convert, let profile, let layout = ColorTransform.Layout(channels: raster.channels),
            let transform = try? profile.transform(layout)
        else { return }
        transform.apply(to: &raster)
    }

    /// `raster` in sRGB.
    public func converted(_ raster: Raster) -> Raster {
        var copy = raster
        convert(&copy)
        return copy
    }

    /// The decoded pixels each output starts from, by its `keepICC`: the original pixels for outputs that keep the
    /// profile, converted ones for the others (none without outputs). Converts in place when no output keeps the
    /// original.
    public func variants(of raster: consuming Raster, keepICC: [Bool]) -> [Bool: Raster] {
        if keepICC.isEmpty { return [:] }
        if keepICC.contains(true) {
            return keepICC.contains(false) ? [false: converted(raster), true: raster] : [true: raster]
        }
        var converted = consume raster
        convert(&converted)
        return [false: converted]
    }

    /// The color information an output writes, given the input's and the output's pixels. With `keepICC` the
    /// original profile is kept when it describes the pixels written (not after a `grayscale` step on RGB, nor for
    /// a CMYK file decoded to sRGB, nor when it was ignored). Otherwise the profile is dropped: a PNG whose colors
    /// went through color management is tagged sRGB (a 1-byte `sRGB` chunk); a JPEG is left untagged, which means
    /// sRGB on the web; the input's own PNG gamma and sRGB chunks pass through for untagged inputs.
    public func metadata(for options: EncodeOptions, original: ColorMetadata, pixels: Raster) -> ColorMetadata {
        if options.keepICC {
            var kept = original
            let describes = (verdict == .sRGB || verdict == .convert) && profile?.space.fits(channels: pixels.channels) == true
            if !describes { kept.icc = nil }
            return kept
        }
        switch verdict {
        case .untagged, .ignored: return ColorMetadata(pngGamma: original.pngGamma, pngSRGBIntent: original.pngSRGBIntent)
        case .sRGB, .convert, .decodedToSRGB: return ColorMetadata(pngSRGBIntent: 0)
        }
    }

    /// What was decided, for reports: nil without a profile; "sRGB"; "converted to sRGB from 'Display P3'";
    /// "profile ignored: <why>".
    public var summary: String? {
        let name = profile.map { $0.name.isEmpty ? "an unnamed \($0.space.rawValue) profile" : "'\($0.name)'" } ?? ""
        switch verdict {
        case .untagged: return nil
        case .sRGB: return "sRGB"
        case .convert, .decodedToSRGB: return "converted to sRGB from \(name)"
        case .ignored(let reason): return "profile ignored: \(reason)"
        }
    }

    /// Whether a lossless rewrite (whose pixels stay as they are) must keep the profile to show the same colors:
    /// yes for every profile in use but sRGB.
    public var losslessNeedsProfile: Bool {
        verdict == .convert || verdict == .decodedToSRGB
    }
}
