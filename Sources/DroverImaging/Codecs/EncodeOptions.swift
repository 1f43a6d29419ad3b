/// JPEG chroma subsampling.
public enum ChromaSubsampling: String, Sendable, Codable, CaseIterable {
    case s444 = "4:4:4"
    case s422 = "4:2:2"
    case s420 = "4:2:0"

    var code: Int32 {
        switch self {
        case .s444: 444
        case .s422: 422
        case .s420: 420
        }
    }
}

/// How much work a PNG encoder puts into finding the smallest file.
public enum PNGEffort: String, Sendable, Codable, CaseIterable {
    /// One trial: adaptive filters, zlib level 6.
    case fast
    /// Several filter and zlib strategy trials at level 9; the smallest wins.
    case best
}

/// Options for writing an image, per output.
public struct EncodeOptions: Sendable, Equatable {
    /// Quality of lossy encodings (JPEG, lossy WebP, AVIF), 1–100; nil: the format's default (``quality(for:)``).
    public var quality: Int?
    /// Write a progressive JPEG.
    public var progressive: Bool = true
    /// Compute optimal Huffman tables (two passes).
    public var optimizeCoding: Bool = true
    /// Chroma subsampling of JPEG and AVIF; nil: the format's default (``subsampling(for:)``).
    public var subsampling: ChromaSubsampling?
    /// Keep the ICC profile of the input.
    public var keepICC: Bool = false
    /// Keep the EXIF orientation (as a minimal EXIF block) when the pixels were not turned upright.
    public var keepOrientation: Bool = false
    public var pngEffort: PNGEffort = .best
    /// Reduce 16-bit PNG samples to 8 bits (lossy, so only when asked).
    public var reduce16: Bool = false
    /// Store a PNG with at most 256 colors as a palette image (lossless).
    public var palette: Bool = true
    /// Encode losslessly: WebP only. The processor sets it from ``OutputSpec/lossless``; a lossless JPEG or PNG
    /// output is a rewrite of the input instead.
    public var lossless: Bool = false
    /// AVIF encoder speed, 0 (slowest, smallest files) to 10 (fastest).
    public var speed: Int = 6

    /// The quality written in `format`: the one given, else JPEG 82, WebP 80, AVIF 60.
    public func quality(for format: ImageFormat) -> Int {
        quality ?? (format == .avif ? 60 : format == .webp ? 80 : 82)
    }

    /// The chroma subsampling written in `format`: the one given, else 4:2:0 for JPEG (what every decoder is fastest
    /// at) and 4:4:4 for AVIF (as libavif's avifenc and sharp do: at equal SSIM its files are the smaller, and every
    /// AVIF decoder reads it).
    public func subsampling(for format: ImageFormat) -> ChromaSubsampling {
        subsampling ?? (format == .avif ? .s444 : .s420)
    }

    public init() {}
}
