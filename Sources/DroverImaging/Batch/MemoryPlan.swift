import Foundation

/// How one image goes through a recipe within a worker's pixel memory budget: how much the decoder shrinks it, and
/// whether the filters before the first resize run on that shrunk image.
///
/// Pixel memory is what the rasters take: the decoded image, the images the steps make, the copies each output
/// keeps, the encoder's. It is estimated from the header alone, before any pixel buffer exists. When a recipe would
/// need more than the budget (a blur before a resize, on a 200-megapixel image), the decoder shrinks first when that
/// gives the same result: the blur is then made on the shrunk image with its sigma scaled to it (less the blur the
/// shrink itself adds), and point operations (brightness, contrast, saturation, grayscale) commute with the shrink.
/// Otherwise the file is refused as over the budget, naming what it would need.
public struct MemoryPlan: Sendable, Equatable {
    /// Total shrink on decode: the DCT scale of a JPEG times the box average of blocks.
    public var preShrink: Int
    /// Whether the filters before the first resize run on the pre-shrunk image (sigma scaled to it).
    public var scalesFilters: Bool
    /// Estimated peak pixel memory, in bytes.
    public var peakBytes: Int

    /// The default budget of pixel memory per worker: 1 GiB.
    public static let defaultBudget = 1 << 30

    /// The plan for `recipe` on an image with `header`, within `budget` bytes.
    public static func make(recipe: Recipe, header: ImageHeader, budget: Int) throws(ImageError) -> MemoryPlan {
        let exact = preShrink(recipe: recipe, header: header, throughFilters: false)
        let plain = MemoryPlan(preShrink: exact, scalesFilters: false, peakBytes: peak(recipe: recipe, header: header, preShrink: exact, scaled: false))
        if plain.peakBytes <= budget { return plain }
        let most = preShrink(recipe: recipe, header: header, throughFilters: true)
        if most > exact {
            for shrink in (exact + 1)...most {
                let bytes = peak(recipe: recipe, header: header, preShrink: shrink, scaled: true)
                if bytes <= budget { return MemoryPlan(preShrink: shrink, scalesFilters: true, peakBytes: bytes) }
            }
        }
        throw .limit(
            "this recipe needs about \(Self.size(plain.peakBytes)) of pixel memory on a \(header.width) x \(header.height) image, "
                + "over the budget of \(Self.size(budget)) per worker; raise it (--max-memory or validate.maxMemory)"
                + (recipe.steps.contains(where: \.commutesWithShrink) || recipe.outputs.contains { $0.steps.contains(where: \.commutesWithShrink) }
                    ? ", or resize before filtering" : ""))
    }

    /// How much the decoder may shrink the image for every output: half the smallest total shrink of the outputs'
    /// first resizes (so at least 2× is left for the Lanczos3 step). Only rotations and mirrorings may come before
    /// the first resize, unless `throughFilters`, when blurs, sharpens and point operations may too.
    static func preShrink(recipe: Recipe, header: ImageHeader, throughFilters: Bool) -> Int {
        let renditions = recipe.outputs.filter { !$0.rewritesInput }.flatMap(\.renditions)
        guard !renditions.isEmpty else { return 1 }
        return renditions.map { preShrink(steps: recipe.steps + $0.steps, header: header, throughFilters: throughFilters) }.min() ?? 1
    }

    static func preShrink(steps: [Step], header: ImageHeader, throughFilters: Bool) -> Int {
        var (width, height) = (header.width, header.height)
        for step in steps {
            if case .resize(let spec) = step {
                let scaled = spec.plan(width: width, height: height).scaled
                let factor = min(Double(width) / Double(scaled.0), Double(height) / Double(scaled.1))
                return factor >= 4 ? Int(factor / 2) : 1
            }
            guard step.isGeometric || (throughFilters && step.commutesWithShrink) else { return 1 }
            if WorkingImage.swapsAxes(step, orientation: header.orientation) { (width, height) = (height, width) }
        }
        return 1
    }

    /// `steps` as they run on an image shrunk `shrink` times: the blurs and sharpens before the first resize get a
    /// sigma in shrunk pixels, less the blur of the shrink's box average (variance (k² − 1) / 12), so that the
    /// total blur is what the recipe asks for.
    static func scaled(_ steps: [Step], by shrink: Int) -> [Step] {
        guard shrink > 1 else { return steps }
        var out: [Step] = []
        var resized = false
        for step in steps {
            if case .resize = step { resized = true }
            guard !resized else { out.append(step); continue }
            let boxVariance = Double(shrink * shrink - 1) / 12
            func sigma(_ value: Double) -> Double { (max(value * value - boxVariance, 0)).squareRoot() / Double(shrink) }
            switch step {
            case .blur(let value):
                if sigma(value) >= 0.2 { out.append(.blur(sigma: sigma(value))) }
            case .sharpen(let value, let amount, let threshold):
                if sigma(value) >= 0.2 { out.append(.sharpen(sigma: sigma(value), amount: amount, threshold: threshold)) }
            default:
                out.append(step)
            }
        }
        return out
    }

    // MARK: - The estimate

    /// A raster's size, as the estimate follows it through the steps.
    struct Shape {
        var width: Int
        var height: Int
        var channels: Int
        var bytes: Int { width * height * channels }
        var hasAlpha: Bool { channels == 2 || channels == 4 }
    }

    /// Peak pixel bytes of `recipe` on `header` with the decoder shrinking `preShrink` times.
    static func peak(recipe: Recipe, header: ImageHeader, preShrink: Int, scaled: Bool) -> Int {
        let channels = max(1, min(header.channels, 4))
        let full = Shape(width: header.width, height: header.height, channels: channels)
        var peak = 0
        let pixelOutputs = recipe.outputs.filter { !$0.rewritesInput }
        if !pixelOutputs.isEmpty || recipe.outputs.isEmpty {
            let decoded = Shape(width: ceil(header.width, preShrink), height: ceil(header.height, preShrink), channels: channels)
            peak = decodeBytes(header: header, full: full, decoded: decoded, preShrink: preShrink)
            let shared = scaled ? Self.scaled(recipe.steps, by: preShrink) : recipe.steps
            var base = decoded
            var logical = (full.width, full.height)
            for step in shared { peak = max(peak, walk(step, &base, &logical, held: 0)) }
            // Outputs that keep the ICC profile and outputs converted to sRGB start from two different images.
            let bases = base.bytes * Set(pixelOutputs.map(\.encoding.keepICC)).count
            peak = max(peak, bases)
            for output in pixelOutputs {
                var shaped = base, shapedLogical = logical
                for step in scaled ? Self.scaled(output.steps, by: preShrink) : output.steps {
                    peak = max(peak, walk(step, &shaped, &shapedLogical, held: bases))
                }
                for rendition in output.renditions {
                    var image = shaped, imageLogical = shapedLogical
                    var held = bases + shaped.bytes
                    if let width = rendition.width {
                        peak = max(peak, walk(.resize(ResizeSpec(width: width)), &image, &imageLogical, held: held))
                        held += image.bytes
                    }
                    peak = max(peak, held + encodeBytes(image, format: output.writtenFormat(forInput: header.format)))
                }
            }
        }
        for output in recipe.outputs where output.rewritesInput {
            // A PNG is decoded whole (16-bit samples kept) and reduced; a WebP decoded whole and encoded losslessly
            // (ARGB); a JPEG is rewritten from its coefficients.
            let bytes =
                switch header.format {
                case .png: full.bytes * max(1, header.bitDepth / 8) * 3
                case .webp: full.bytes + 2 * full.width * full.height * 4
                default: full.bytes
                }
            peak = max(peak, bytes)
        }
        return peak
    }

    /// Peak bytes while `step` runs on `shape` (with `held` bytes of other rasters alive); updates the shape.
    private static func walk(_ step: Step, _ shape: inout Shape, _ logical: inout (Int, Int), held: Int) -> Int {
        let input = shape
        switch step {
        case .autoOrient, .rotate, .flip, .flop:
            if case .rotate(let degrees) = step, degrees != 180 { swap(&shape.width, &shape.height); swap(&logical.0, &logical.1) }
            if case .autoOrient = step { /* the orientation's swap is not known here; the bytes are the same */ }
            return held + 2 * input.bytes
        case .resize(let spec):
            let plan = spec.plan(width: logical.0, height: logical.1)
            var peak = held
            var current = input
            let factor = min(Double(current.width) / Double(plan.scaled.0), Double(current.height) / Double(plan.scaled.1))
            if factor >= 4 {
                let box = Int(factor / 2)
                let shrunk = Shape(width: ceil(current.width, box), height: ceil(current.height, box), channels: current.channels)
                peak = max(peak, held + current.bytes + shrunk.bytes)
                current = shrunk
            }
            let across = Shape(width: plan.scaled.0, height: current.height, channels: current.channels)
            let final = Shape(width: plan.scaled.0, height: plan.scaled.1, channels: current.channels)
            let premultiplied = current.hasAlpha ? current.bytes : 0
            peak = max(peak, held + input.bytes + premultiplied + across.bytes + final.bytes)
            shape = Shape(width: plan.final.0, height: plan.final.1, channels: current.channels)
            logical = plan.final
            return peak
        case .blur, .sharpen:
            return held + (input.hasAlpha ? 4 : 3) * input.bytes + (step.isSharpen ? input.bytes : 0)
        case .grayscale:
            shape.channels = input.channels >= 3 ? input.channels - 2 : input.channels
            return held + input.bytes + shape.bytes
        case .brightness, .contrast, .saturation:
            return held + 2 * input.bytes
        }
    }

    /// Peak bytes while decoding: the image, shrunk while its rows are decoded (JPEG, PNG), or whole and then
    /// box-shrunk (an interlaced PNG, WebP, AVIF, HEIC); AVIF and HEIC also hold libheif's YCbCr planes and RGB image.
    private static func decodeBytes(header: ImageHeader, full: Shape, decoded: Shape, preShrink: Int) -> Int {
        let pixels = full.width * full.height
        switch header.format {
        case .webp:
            return full.bytes + (preShrink > 1 ? decoded.bytes : 0)
        case .avif, .heic:
            return 2 * full.bytes + 3 * pixels * (header.bitDepth > 8 ? 2 : 1) + (preShrink > 1 ? decoded.bytes : 0)
        case .jpeg, .png:
            return decoded.bytes + (header.interlaced && preShrink > 1 ? full.bytes : full.width * full.channels * preShrink)
        }
    }

    /// What an encoder keeps besides the raster: a flattened copy (JPEG with alpha), reductions and trials (PNG),
    /// YUV or ARGB planes and the codec's frame buffers (WebP, AVIF).
    private static func encodeBytes(_ shape: Shape, format: ImageFormat) -> Int {
        switch format {
        case .jpeg: shape.hasAlpha ? shape.bytes : shape.bytes / 8
        case .webp: shape.bytes + 2 * shape.width * shape.height * 4
        case .avif: shape.bytes + 16 * shape.width * shape.height  // aom at speed 6: about 15 bytes a pixel, measured
        default: 2 * shape.bytes
        }
    }

    private static func ceil(_ value: Int, _ divisor: Int) -> Int { (value + divisor - 1) / divisor }

    /// A byte count for messages: 2.9 GiB, 512 MiB.
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
        return "\(max(1, (bytes + (1 << 19)) >> 20)) MiB"
    }
}

extension Step {
    /// Whether running the step after the decoder's shrink gives the same image as before it: point operations do,
    /// and blurs and sharpens do once their sigma is scaled (``MemoryPlan/scaled(_:by:)``).
    var commutesWithShrink: Bool {
        switch self {
        case .blur, .sharpen, .grayscale, .brightness, .contrast, .saturation: true
        default: false
        }
    }

    var isSharpen: Bool {
        if case .sharpen = self { true } else { false }
    }
}
