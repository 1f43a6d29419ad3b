/// Lossless reductions of a raster before PNG encoding: each one applies only when no sample changes.
enum PNGReduction {
    /// The raster with 16-bit samples made 8-bit when every sample is a multiple of 257, alpha dropped when every
    /// pixel is opaque, and RGB made gray when every pixel has R = G = B (and `toGray` allows it).
    static func reduced(_ input: Raster, toGray: Bool = true) -> Raster {
        var image = input
        if image.depth == 16 && image.pixels.withUnsafeBufferPointer({ p in stride(from: 0, to: p.count, by: 2).allSatisfy { p[$0] == p[$0 + 1] } }) {
            image = Raster(
                width: image.width, height: image.height, channels: image.channels,
                pixels: stride(from: 0, to: image.pixels.count, by: 2).map { image.pixels[$0] })
        }
        let sampleBytes = image.depth / 8
        if image.hasAlpha && image.isOpaque { image = image.selecting(channels: Array(0..<(image.channels - 1))) }
        if image.isColor && toGray {
            let gray = image.pixels.withUnsafeBufferPointer { p in
                stride(from: 0, to: p.count, by: image.pixelBytes).allSatisfy { index in
                    (0..<sampleBytes).allSatisfy { k in
                        p[index + k] == p[index + sampleBytes + k] && p[index + k] == p[index + 2 * sampleBytes + k]
                    }
                }
            }
            if gray { image = image.selecting(channels: image.hasAlpha ? [0, 3] : [0]) }
        }
        return image
    }

    /// The libpng layout for an already reduced raster: a palette (or a low bit depth gray) when that holds every
    /// pixel exactly and `palette` allows it, else the raster's own color type.
    static func layout(for image: Raster, palette: Bool) -> PNGLayout {
        let colorType: Int32 = [0, 0, 4, 2, 6][image.channels]
        let plain = PNGLayout(
            width: image.width, height: image.height, colorType: colorType, bitDepth: Int32(image.depth),
            rows: image.pixels, stride: image.rowBytes)
        guard image.depth == 8 else { return plain }
        if image.channels == 1 {
            for bits in [1, 2, 4] {
                let step = 255 / ((1 << bits) - 1)
                if image.pixels.allSatisfy({ Int($0) % step == 0 }) {
                    return PNGLayout(
                        width: image.width, height: image.height, colorType: 0, bitDepth: Int32(bits),
                        rows: image.pixels.map { $0 / UInt8(step) }, stride: image.width)
                }
            }
        }
        guard palette, let indexed = paletted(image) else { return plain }
        if image.channels == 1 && indexed.palette.count / 3 > 16 { return plain }
        return indexed
    }

    /// The image as palette indices, or nil when it has more than 256 colors.
    private static func paletted(_ image: Raster) -> PNGLayout? {
        let channels = image.channels
        var indexOf: [UInt32: UInt8] = [:]
        var colors: [UInt32] = []
        var indices = [UInt8](repeating: 0, count: image.width * image.height)
        let ok = image.pixels.withUnsafeBufferPointer { p -> Bool in
            var lastKey: UInt32 = .max
            var lastIndex: UInt8 = 0
            for pixel in 0..<(image.width * image.height) {
                let at = pixel * channels
                let key: UInt32 =
                    switch channels {
                    case 1: UInt32(p[at]) << 24 | UInt32(p[at]) << 16 | UInt32(p[at]) << 8 | 0xFF
                    case 2: UInt32(p[at]) << 24 | UInt32(p[at]) << 16 | UInt32(p[at]) << 8 | UInt32(p[at + 1])
                    case 3: UInt32(p[at]) << 24 | UInt32(p[at + 1]) << 16 | UInt32(p[at + 2]) << 8 | 0xFF
                    default: UInt32(p[at]) << 24 | UInt32(p[at + 1]) << 16 | UInt32(p[at + 2]) << 8 | UInt32(p[at + 3])
                    }
                if key != lastKey {
                    if let found = indexOf[key] {
                        lastIndex = found
                    } else {
                        guard colors.count < 256 else { return false }
                        lastIndex = UInt8(colors.count)
                        indexOf[key] = lastIndex
                        colors.append(key)
                    }
                    lastKey = key
                }
                indices[pixel] = lastIndex
            }
            return true
        }
        guard ok, channels != 1 || colors.count <= 16 else { return nil }
        // Translucent entries first, so the tRNS chunk is as short as possible.
        let order = colors.indices.sorted { a, b in
            let (alphaA, alphaB) = (colors[a] & 0xFF == 0xFF, colors[b] & 0xFF == 0xFF)
            return alphaA != alphaB ? !alphaA : a < b
        }
        var remap = [UInt8](repeating: 0, count: colors.count)
        for (newIndex, old) in order.enumerated() { remap[old] = UInt8(newIndex) }
        for pixel in indices.indices { indices[pixel] = remap[Int(indices[pixel])] }
        let sorted = order.map { colors[$0] }
        let palette = sorted.flatMap { [UInt8($0 >> 24), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 8 & 0xFF)] }
        let translucent = sorted.prefix { $0 & 0xFF != 0xFF }.map { UInt8($0 & 0xFF) }
        let bits: Int32 = colors.count <= 2 ? 1 : colors.count <= 4 ? 2 : colors.count <= 16 ? 4 : 8
        return PNGLayout(
            width: image.width, height: image.height, colorType: 3, bitDepth: bits, rows: indices, stride: image.width,
            palette: palette, transparency: translucent)
    }
}

extension Raster {
    /// A raster made of the given channels of this one, in that order.
    func selecting(channels picked: [Int]) -> Raster {
        let sampleBytes = depth / 8
        let count = width * height
        var out = [UInt8](repeating: 0, count: count * picked.count * sampleBytes)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                var t = 0
                for pixel in 0..<count {
                    let base = pixel * pixelBytes
                    for channel in picked {
                        for k in 0..<sampleBytes { target[t + k] = source[base + channel * sampleBytes + k] }
                        t += sampleBytes
                    }
                }
            }
        }
        return Raster(width: width, height: height, channels: picked.count, depth: depth, pixels: out)
    }
}
