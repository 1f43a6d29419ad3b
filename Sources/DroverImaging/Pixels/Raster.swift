/// An image in memory: rows of interleaved samples, tightly packed, top row first.
///
/// Channels are 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). Samples are 8-bit, or 16-bit big-endian as PNG
/// stores them; the pixel operations work on 8-bit rasters (``to8Bit()`` converts).
public struct Raster: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    /// Bits per sample: 8 or 16.
    public var depth: Int
    public var pixels: [UInt8]

    /// Creates a raster over existing samples (`pixels.count` must be `height * rowBytes`).
    public init(width: Int, height: Int, channels: Int, depth: Int = 8, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels * depth / 8, "pixel buffer size does not match")
        self.width = width
        self.height = height
        self.channels = channels
        self.depth = depth
        self.pixels = pixels
    }

    /// Creates a raster whose samples are filled by `fill`, which gets the uninitialized buffer.
    public init(
        width: Int, height: Int, channels: Int, depth: Int = 8,
        fill: (UnsafeMutableBufferPointer<UInt8>) throws(ImageError) -> Void
    ) throws(ImageError) {
        let count = width * height * channels * depth / 8
        var failure: ImageError?
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(ImageError) {
                try fill(buffer)
            } catch {
                failure = error
                buffer.initialize(repeating: 0)
            }
            initialized = count
        }
        if let failure { throw failure }
        self.init(width: width, height: height, channels: channels, depth: depth, pixels: pixels)
    }

    /// Bytes per pixel.
    public var pixelBytes: Int { channels * depth / 8 }
    /// Bytes per row.
    public var rowBytes: Int { width * pixelBytes }
    /// Whether the last channel is alpha.
    public var hasAlpha: Bool { channels == 2 || channels == 4 }
    /// Whether the color channels are RGB (rather than gray).
    public var isColor: Bool { channels >= 3 }

    /// The same image with 8-bit samples (16-bit samples are scaled and rounded).
    public func to8Bit() -> Raster {
        guard depth == 16 else { return self }
        var out = [UInt8](repeating: 0, count: pixels.count / 2)
        pixels.withUnsafeBufferPointer { source in
            for index in 0..<out.count {
                let value = Int(source[2 * index]) << 8 | Int(source[2 * index + 1])
                out[index] = UInt8((value * 255 + 32767) / 65535)
            }
        }
        return Raster(width: width, height: height, channels: channels, pixels: out)
    }
}
