extension Raster {
    /// Gaussian blur with standard deviation `sigma` pixels (a separable kernel of radius ⌈3σ⌉, edges repeated).
    public func blurred(sigma: Double) -> Raster {
        let image = to8Bit()
        guard sigma > 0 else { return image }
        let horizontal = AxisWeights.gaussian(size: width, sigma: sigma)
        let vertical = AxisWeights.gaussian(size: height, sigma: sigma)
        return SeparableFilter.apply(image.premultiplied(), horizontal: horizontal, vertical: vertical).unpremultiplied()
    }

    /// Unsharp mask: each color sample moves away from its Gaussian-blurred value by `amount` × the difference,
    /// where that difference is at least `threshold` levels. Alpha is unchanged.
    public func sharpened(sigma: Double, amount: Double, threshold: Int) -> Raster {
        let image = to8Bit()
        let blur = image.blurred(sigma: sigma)
        var out = image
        let colors = hasAlpha ? channels - 1 : channels
        let gain = Float(amount)
        out.pixels.withUnsafeMutableBufferPointer { p in
            blur.pixels.withUnsafeBufferPointer { b in
                for index in 0..<p.count where index % channels < colors {
                    let original = Int(p[index])
                    let difference = original - Int(b[index])
                    guard abs(difference) >= threshold else { continue }
                    let value = original + Int((Float(difference) * gain).rounded())
                    p[index] = UInt8(min(max(value, 0), 255))
                }
            }
        }
        return out
    }

    /// Gray (Rec. 601 luma: 0.299 R + 0.587 G + 0.114 B), keeping alpha.
    public func grayscale() -> Raster {
        let image = to8Bit()
        guard isColor else { return image }
        var out = [UInt8](repeating: 0, count: width * height * (channels - 2))
        image.pixels.withUnsafeBufferPointer { p in
            var t = 0
            for base in stride(from: 0, to: p.count, by: channels) {
                out[t] = Raster.luma(p[base], p[base + 1], p[base + 2])
                if channels == 4 { out[t + 1] = p[base + 3] }
                t += channels - 2
            }
        }
        return Raster(width: width, height: height, channels: channels - 2, pixels: out)
    }

    /// Brightness: every color sample multiplied by `factor` (1 leaves the image unchanged, 0 makes it black).
    public func brightness(_ factor: Double) -> Raster {
        mappingColors { value in Double(value) * factor }
    }

    /// Contrast: samples moved away from (factor > 1) or toward (factor < 1) the image's mean gray level.
    public func contrast(_ factor: Double) -> Raster {
        let image = to8Bit()
        var total = 0
        image.pixels.withUnsafeBufferPointer { p in
            for base in stride(from: 0, to: p.count, by: channels) {
                total += Int(image.isColor ? Raster.luma(p[base], p[base + 1], p[base + 2]) : p[base])
            }
        }
        let mean = Double(Int(Double(total) / Double(max(width * height, 1)) + 0.5))
        return image.mappingColors { value in mean + (Double(value) - mean) * factor }
    }

    /// Saturation: colors moved away from (factor > 1) or toward (factor < 1, 0 is gray) their gray value.
    public func saturation(_ factor: Double) -> Raster {
        var image = to8Bit()
        guard isColor else { return image }
        let channels = self.channels
        image.pixels.withUnsafeMutableBufferPointer { p in
            for base in stride(from: 0, to: p.count, by: channels) {
                let gray = Double(Raster.luma(p[base], p[base + 1], p[base + 2]))
                for c in 0..<3 {
                    let value = (gray + (Double(p[base + c]) - gray) * factor).rounded()
                    p[base + c] = UInt8(min(max(value, 0), 255))
                }
            }
        }
        return image
    }

    /// Applies `transform` to every color sample through a 256-entry table (alpha unchanged).
    private func mappingColors(_ transform: (UInt8) -> Double) -> Raster {
        var image = to8Bit()
        let table = (0...255).map { UInt8(min(max(transform(UInt8($0)).rounded(), 0), 255)) }
        let colors = hasAlpha ? channels - 1 : channels
        let channels = self.channels
        image.pixels.withUnsafeMutableBufferPointer { p in
            for index in 0..<p.count where index % channels < colors { p[index] = table[Int(p[index])] }
        }
        return image
    }

    @inline(__always)
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let red: Int = Int(r) * 19595
        let green: Int = Int(g) * 38470
        let blue: Int = Int(b) * 7471
        return UInt8((red + green + blue + 0x8000) >> 16)
    }
}
