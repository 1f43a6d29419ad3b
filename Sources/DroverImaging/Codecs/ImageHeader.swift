/// What an image file says about itself before its pixels are decoded.
public struct ImageHeader: Sendable, Equatable {
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    /// Samples per pixel in the decoded image (1–4), alpha included.
    public var channels: Int
    /// Bits per sample in the file (PNG: 1–16; JPEG: 8).
    public var bitDepth: Int
    /// EXIF orientation (1 when absent).
    public var orientation: Orientation
    /// Human-readable color model, for reports: "gray", "rgb", "cmyk", "ycck", "palette", "gray+alpha", "rgba".
    public var colorModel: String
    public var progressive: Bool
    public var interlaced: Bool

    /// Width and height after the EXIF orientation is applied.
    public var orientedSize: (width: Int, height: Int) {
        orientation.swapsAxes ? (height, width) : (width, height)
    }
}

/// Color information carried from a decoded file to an encoded one.
public struct ColorMetadata: Sendable, Equatable {
    /// ICC profile bytes, when the file has one.
    public var icc: [UInt8]?
    /// PNG gAMA × 100000, or 0.
    public var pngGamma: Int = 0
    /// PNG sRGB rendering intent, or -1.
    public var pngSRGBIntent: Int = -1

    public init(icc: [UInt8]? = nil, pngGamma: Int = 0, pngSRGBIntent: Int = -1) {
        self.icc = icc
        self.pngGamma = pngGamma
        self.pngSRGBIntent = pngSRGBIntent
    }
}
