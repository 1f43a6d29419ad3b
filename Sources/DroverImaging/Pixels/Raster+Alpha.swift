extension Raster {
    /// Color samples multiplied by alpha (8-bit), so that filters and resampling do not bleed the color of
    /// transparent pixels into visible ones.
    func premultiplied() -> Raster {
        guard hasAlpha, depth == 8 else { return self }
        var out = self
        let colors = channels - 1
        out.pixels.withUnsafeMutableBufferPointer { p in
            for base in stride(from: 0, to: p.count, by: channels) {
                let alpha = Int(p[base + colors])
                guard alpha != 255 else { continue }
                for c in 0..<colors { p[base + c] = UInt8((Int(p[base + c]) * alpha + 127) / 255) }
            }
        }
        return out
    }

    /// Inverse of ``premultiplied()``.
    func unpremultiplied() -> Raster {
        guard hasAlpha, depth == 8 else { return self }
        var out = self
        let colors = channels - 1
        out.pixels.withUnsafeMutableBufferPointer { p in
            for base in stride(from: 0, to: p.count, by: channels) {
                let alpha = Int(p[base + colors])
                guard alpha != 255 else { continue }
                for c in 0..<colors {
                    p[base + c] = alpha == 0 ? 0 : UInt8(min(255, (Int(p[base + c]) * 255 + alpha / 2) / alpha))
                }
            }
        }
        return out
    }

    /// The image composited onto white, without an alpha channel (for formats without alpha, such as JPEG).
    public func flattened() -> Raster {
        guard hasAlpha else { return self }
        let image = to8Bit()
        let colors = channels - 1
        var out = [UInt8](repeating: 0, count: width * height * colors)
        image.pixels.withUnsafeBufferPointer { p in
            var t = 0
            for base in stride(from: 0, to: p.count, by: channels) {
                let alpha = Int(p[base + colors])
                for c in 0..<colors {
                    out[t] = UInt8((Int(p[base + c]) * alpha + 255 * (255 - alpha) + 127) / 255)
                    t += 1
                }
            }
        }
        return Raster(width: width, height: height, channels: colors, pixels: out)
    }
}
