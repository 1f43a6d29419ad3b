extension Raster {
    /// Whether every pixel is fully opaque (true when there is no alpha channel).
    var isOpaque: Bool {
        guard hasAlpha else { return true }
        let sampleBytes = depth / 8
        return pixels.withUnsafeBufferPointer { p in
            stride(from: (channels - 1) * sampleBytes, to: p.count, by: pixelBytes).allSatisfy { index in
                (0..<sampleBytes).allSatisfy { p[index + $0] == 0xFF }
            }
        }
    }
}
