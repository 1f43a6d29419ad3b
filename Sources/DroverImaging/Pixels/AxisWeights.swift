import Foundation

/// For one axis of a separable filter: which input samples feed each output sample, and with what fixed-point
/// weights. Weights of each output sum to 1 (`1 << AxisWeights.precision`).
struct AxisWeights {
    /// Fractional bits of the weights.
    static let precision: Int32 = 22

    /// First input index for each output index.
    var start: [Int32]
    /// Number of inputs for each output index.
    var count: [Int32]
    /// `window` weights per output index.
    var weights: [Int32]
    var window: Int

    var outputSize: Int { start.count }

    /// Lanczos3 weights for resampling `inputSize` samples to `outputSize` (the kernel widens when shrinking,
    /// so that every input sample contributes: the resize is area-correct and does not alias).
    static func lanczos3(from inputSize: Int, to outputSize: Int) -> AxisWeights {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = 3 * filterScale
        let window = Int(support.rounded(.up)) * 2 + 1
        var result = AxisWeights(start: [], count: [], weights: [], window: window)
        var row = [Double](repeating: 0, count: window)
        for index in 0..<outputSize {
            let center = (Double(index) + 0.5) * scale
            let first = max(Int(center - support + 0.5), 0)
            let last = min(Int(center + support + 0.5), inputSize)
            let taps = min(last - first, window)
            var total = 0.0
            for tap in 0..<taps {
                let value = kernel((Double(first + tap) - center + 0.5) / filterScale)
                row[tap] = value
                total += value
            }
            result.append(first: first, values: row[0..<taps].map { total == 0 ? 0 : $0 / total })
        }
        return result
    }

    /// Gaussian weights (same size in and out), with edge samples repeated beyond the borders.
    static func gaussian(size: Int, sigma: Double) -> AxisWeights {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        let kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        var result = AxisWeights(start: [], count: [], weights: [], window: 2 * radius + 1)
        for index in 0..<size {
            let first = max(index - radius, 0)
            let last = min(index + radius, size - 1)
            var values = [Double](repeating: 0, count: last - first + 1)
            for (offset, weight) in kernel.enumerated() {
                let source = min(max(index - radius + offset, 0), size - 1)
                values[source - first] += weight / total
            }
            result.append(first: first, values: values)
        }
        return result
    }

    private mutating func append(first: Int, values: [Double]) {
        start.append(Int32(first))
        count.append(Int32(values.count))
        let one = Double(1 << AxisWeights.precision)
        var fixed = values.map { Int32(($0 * one).rounded()) }
        // Make the fixed-point weights sum to exactly one, so flat areas stay exactly flat.
        let error = Int32(one) - fixed.reduce(0, &+)
        if let peak = fixed.indices.max(by: { fixed[$0] < fixed[$1] }) { fixed[peak] &+= error }
        weights += fixed + [Int32](repeating: 0, count: window - fixed.count)
    }

    /// The Lanczos kernel with a = 3: sinc(x) · sinc(x / 3) for |x| < 3.
    private static func kernel(_ x: Double) -> Double {
        if x == 0 { return 1 }
        guard abs(x) < 3 else { return 0 }
        let px = Double.pi * x
        return 3 * sin(px) * sin(px / 3) / (px * px)
    }
}
