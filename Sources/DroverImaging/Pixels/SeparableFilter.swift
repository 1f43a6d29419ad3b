/// Applies ``AxisWeights`` to 8-bit rasters: a horizontal pass, then a vertical pass, in fixed-point integer
/// arithmetic over contiguous rows, with no allocation per pixel.
enum SeparableFilter {
    /// Filters every channel of `raster` with `horizontal` then `vertical` weights (nil: that axis is unchanged).
    static func apply(_ raster: Raster, horizontal: AxisWeights?, vertical: AxisWeights?) -> Raster {
        var image = raster
        if let horizontal {
            image = switch image.channels {
            case 1: horizontalPass(image, horizontal, One.self)
            case 2: horizontalPass(image, horizontal, Two.self)
            case 3: horizontalPass(image, horizontal, Three.self)
            default: horizontalPass(image, horizontal, Four.self)
            }
        }
        if let vertical { image = verticalPass(image, vertical) }
        return image
    }

    private static func horizontalPass<N: ChannelCount>(_ input: Raster, _ axis: AxisWeights, _: N.Type) -> Raster {
        let n = N.value
        let outWidth = axis.outputSize
        let height = input.height
        let inStride = input.rowBytes, outStride = outWidth * n
        let half: Int32 = 1 << (AxisWeights.precision - 1)
        let pixels = [UInt8](unsafeUninitializedCapacity: outStride * height) { out, initialized in
            input.pixels.withUnsafeBufferPointer { source in
                axis.weights.withUnsafeBufferPointer { weights in
                    axis.start.withUnsafeBufferPointer { starts in
                        axis.count.withUnsafeBufferPointer { counts in
                            for y in 0..<height {
                                let row = source.baseAddress! + y * inStride
                                var target = out.baseAddress! + y * outStride
                                for x in 0..<outWidth {
                                    var p = row + Int(starts[x]) * n
                                    let w = weights.baseAddress! + x * axis.window
                                    var a0 = half, a1 = half, a2 = half, a3 = half
                                    for k in 0..<Int(counts[x]) {
                                        let weight = w[k]
                                        a0 &+= Int32(p[0]) &* weight
                                        if n > 1 { a1 &+= Int32(p[1]) &* weight }
                                        if n > 2 { a2 &+= Int32(p[2]) &* weight }
                                        if n > 3 { a3 &+= Int32(p[3]) &* weight }
                                        p += n
                                    }
                                    target[0] = clamp8(a0)
                                    if n > 1 { target[1] = clamp8(a1) }
                                    if n > 2 { target[2] = clamp8(a2) }
                                    if n > 3 { target[3] = clamp8(a3) }
                                    target += n
                                }
                            }
                        }
                    }
                }
            }
            initialized = outStride * height
        }
        return Raster(width: outWidth, height: height, channels: n, pixels: pixels)
    }

    private static func verticalPass(_ input: Raster, _ axis: AxisWeights) -> Raster {
        let stride = input.rowBytes
        let outHeight = axis.outputSize
        let half: Int32 = 1 << (AxisWeights.precision - 1)
        var accumulator = [Int32](repeating: 0, count: stride)
        let pixels = [UInt8](unsafeUninitializedCapacity: stride * outHeight) { out, initialized in
            input.pixels.withUnsafeBufferPointer { source in
                accumulator.withUnsafeMutableBufferPointer { sums in
                    for y in 0..<outHeight {
                        for e in 0..<stride { sums[e] = half }
                        let first = Int(axis.start[y])
                        for k in 0..<Int(axis.count[y]) {
                            let weight = axis.weights[y * axis.window + k]
                            let row = source.baseAddress! + (first + k) * stride
                            for e in 0..<stride { sums[e] &+= Int32(row[e]) &* weight }
                        }
                        let target = out.baseAddress! + y * stride
                        for e in 0..<stride { target[e] = clamp8(sums[e]) }
                    }
                }
            }
            initialized = stride * outHeight
        }
        return Raster(width: input.width, height: outHeight, channels: input.channels, pixels: pixels)
    }

    @inline(__always)
    private static func clamp8(_ sum: Int32) -> UInt8 {
        let value = sum >> AxisWeights.precision
        return UInt8(truncatingIfNeeded: value < 0 ? 0 : value > 255 ? 255 : value)
    }
}

/// A channel count known at compile time, so the specialized inner loops keep their accumulators in registers.
protocol ChannelCount { static var value: Int { get } }
enum One: ChannelCount { static var value: Int { 1 } }
enum Two: ChannelCount { static var value: Int { 2 } }
enum Three: ChannelCount { static var value: Int { 3 } }
enum Four: ChannelCount { static var value: Int { 4 } }
