extension Raster {
    /// The image resampled to `width` × `height` with a separable Lanczos3 filter (horizontal pass, then
    /// vertical), on gamma-encoded 8-bit samples, with alpha premultiplied during the resampling.
    public func resized(width newWidth: Int, height newHeight: Int) -> Raster {
        let image = to8Bit()
        guard newWidth != width || newHeight != height else { return image }
        let horizontal = newWidth == width ? nil : AxisWeights.lanczos3(from: width, to: newWidth)
        let vertical = newHeight == height ? nil : AxisWeights.lanczos3(from: height, to: newHeight)
        return SeparableFilter.apply(image.premultiplied(), horizontal: horizontal, vertical: vertical).unpremultiplied()
    }

    /// The `width` × `height` region whose top-left corner is at (`x`, `y`).
    public func cropped(x: Int, y: Int, width newWidth: Int, height newHeight: Int) -> Raster {
        let bytes = pixelBytes
        var out = [UInt8]()
        out.reserveCapacity(newWidth * newHeight * bytes)
        for row in y..<(y + newHeight) {
            let start = (row * width + x) * bytes
            out += pixels[start..<(start + newWidth * bytes)]
        }
        return Raster(width: newWidth, height: newHeight, channels: channels, depth: depth, pixels: out)
    }
}
