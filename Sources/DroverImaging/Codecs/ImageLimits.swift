import CDroverImaging

/// Limits checked from an image's header, before any pixel buffer is allocated (decompression bombs are refused).
public struct ImageLimits: Sendable, Equatable {
    /// Widest image accepted.
    public var maxWidth: Int
    /// Tallest image accepted.
    public var maxHeight: Int
    /// Most pixels accepted (width × height).
    public var maxPixels: Int
    /// Largest file accepted, in bytes.
    public var maxFileBytes: Int
    /// Most scans accepted in a progressive JPEG (each scan costs a pass over the whole image).
    public var maxScans: Int
    /// Pixel memory one worker may use on one image (see ``MemoryPlan``).
    public var maxPixelMemory: Int = MemoryPlan.defaultBudget

    /// Defaults: 30,000 px a side, 200 megapixels, 1 GiB, 500 scans.
    public init(
        maxWidth: Int = 30_000, maxHeight: Int = 30_000, maxPixels: Int = 200_000_000,
        maxFileBytes: Int = 1 << 30, maxScans: Int = 500
    ) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
        self.maxScans = maxScans
    }
}

extension ImageLimits {
    /// The limits as the C layer takes them.
    var cLimits: drover_img_limits {
        drover_img_limits(
            max_width: UInt32(clamping: maxWidth), max_height: UInt32(clamping: maxHeight),
            max_pixels: UInt64(maxPixels), max_scans: Int32(clamping: maxScans))
    }
}
