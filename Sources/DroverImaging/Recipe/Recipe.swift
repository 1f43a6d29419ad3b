import Foundation

/// What `drover image` does to every file: checks, shared steps, and named outputs with their own steps and encoding.
public struct Recipe: Sendable, Equatable {
    /// Formats accepted by the validate step.
    public var formats: Set<ImageFormat> = Set(ImageFormat.allCases)
    /// Limits checked from each file's header before decoding.
    public var limits = ImageLimits()
    /// Steps applied once to the decoded image, before any output's own steps.
    public var steps: [Step] = []
    /// The files written for each input.
    public var outputs: [OutputSpec] = []

    public init(formats: Set<ImageFormat> = Set(ImageFormat.allCases), limits: ImageLimits = ImageLimits(), steps: [Step] = [], outputs: [OutputSpec] = []) {
        self.formats = formats
        self.limits = limits
        self.steps = steps
        self.outputs = outputs
    }
}

/// One output of a recipe: a named rendition of each input.
public struct OutputSpec: Sendable, Equatable {
    /// Name used in the file-name template and the report.
    public var name: String
    /// Steps applied after the recipe's shared steps, in order.
    public var steps: [Step] = []
    /// Format written; nil keeps the input's format.
    public var format: ImageFormat?
    public var encoding = EncodeOptions()
    /// In the input's format (no `format`, or the input's own): rewrite the file without decoding to pixels (JPEG:
    /// from DCT coefficients; PNG: same pixels, smallest encoding), never larger than the input. With `format` WebP:
    /// a lossless WebP of the pixels, after the steps (the processor sets ``EncodeOptions/lossless`` from it).
    public var lossless = false
    /// Sub-folder of the output folder (may be empty).
    public var folder = ""
    /// File-name template; see ``FileTemplate/Placeholder`` for the placeholders.
    public var file = OutputSpec.defaultFile
    /// Widths to write this output at (a `srcset`): one file per width, each resized to that width after the
    /// output's steps. Empty: one file, as the steps make it.
    public var widths: [Int] = []

    /// The template of outputs that do not set `file`.
    public static let defaultFile = FileTemplate(builtIn: "{name}-{output}.{ext}")
    /// The template of outputs with `widths` that do not set `file`.
    public static let defaultWidthsFile = FileTemplate(builtIn: "{name}-{output}-{width}.{ext}")

    public init(name: String, steps: [Step] = [], format: ImageFormat? = nil) {
        self.name = name
        self.steps = steps
        self.format = format
    }

    /// Whether this output rewrites the input file as it is, without decoding it (lossless, not WebP).
    public var rewritesInput: Bool { lossless && format != .webp }

    /// The format written for an input in `inputFormat`.
    public func writtenFormat(forInput inputFormat: ImageFormat) -> ImageFormat {
        format ?? (rewritesInput ? inputFormat : inputFormat.sameFormatOutput)
    }

    /// The files this output writes for each input: one, or one per width.
    public var renditions: [Rendition] {
        widths.isEmpty ? [Rendition(output: self, width: nil)] : widths.map { Rendition(output: self, width: $0) }
    }

    /// The relative path of this output for an input at relative path `input` (folders mirrored), with the
    /// placeholders that are known filled in.
    public func relativePath(
        forInput input: PathBytes, format inputFormat: ImageFormat, width: Int? = nil, height: Int? = nil, hash: String? = nil
    ) -> PathBytes {
        var values: [FileTemplate.Placeholder: PathBytes] = [
            .name: input.stem, .output: PathBytes(name), .ext: PathBytes(writtenFormat(forInput: inputFormat).fileExtension),
            .srcext: input.pathExtension,
        ]
        if let width { values[.width] = PathBytes(String(width)) }
        if let height { values[.height] = PathBytes(String(height)) }
        if let hash { values[.hash] = PathBytes(hash) }
        var path = PathBytes(folder)
        for parent in input.components.dropLast() { path = path.appending(parent) }
        return path.appending(file.render(values))
    }

    /// The relative path for a `String` input path.
    public func relativePath(forInput input: String, format inputFormat: ImageFormat) -> String {
        relativePath(forInput: PathBytes(input), format: inputFormat).display
    }
}

/// One file an output writes per input: the output at one of its widths, or as its steps make it.
public struct Rendition: Sendable, Equatable {
    public var output: OutputSpec
    /// The width asked for in `widths`, or nil.
    public var width: Int?

    /// The output's steps, then the resize to this rendition's width.
    public var steps: [Step] {
        guard let width else { return output.steps }
        return output.steps + [.resize(ResizeSpec(width: width, enlarge: false))]
    }

    /// The relative path, when it can be known before the image is processed; nil when the template uses
    /// `{height}`, `{hash}`, or `{width}` without `widths`.
    public func predictedPath(forInput input: PathBytes, format: ImageFormat) -> PathBytes? {
        let used = output.file.placeholders
        guard output.file.isPredictable, width != nil || !used.contains(.width) else { return nil }
        return output.relativePath(forInput: input, format: format, width: width)
    }

    /// The relative path of the file written, `width` × `height` pixels, whose bytes hash to `hash`.
    public func writtenPath(forInput input: PathBytes, format: ImageFormat, width: Int, height: Int, hash: String) -> PathBytes {
        output.relativePath(forInput: input, format: format, width: self.width ?? width, height: height, hash: hash)
    }
}

/// One operation on an image.
public enum Step: Sendable, Equatable {
    /// Turn the pixels upright according to EXIF orientation (the written file then has no orientation tag).
    case autoOrient
    case resize(ResizeSpec)
    case grayscale
    /// Gaussian blur with this sigma, in pixels.
    case blur(sigma: Double)
    /// Unsharp mask.
    case sharpen(sigma: Double, amount: Double, threshold: Int)
    case brightness(Double)
    case contrast(Double)
    case saturation(Double)
    /// Rotate clockwise by 90, 180 or 270 degrees.
    case rotate(Int)
    /// Mirror top to bottom.
    case flip
    /// Mirror left to right.
    case flop

    /// Whether the step only moves pixels (so it commutes with shrinking on load).
    var isGeometric: Bool {
        switch self {
        case .autoOrient, .rotate, .flip, .flop: true
        default: false
        }
    }
}

/// How a resize fits the image to the requested box.
public enum ResizeFit: String, Sendable, CaseIterable {
    /// The largest size that fits inside the box, keeping the aspect ratio.
    case inside
    /// The smallest size that covers the box, keeping the aspect ratio, then cropped to the box at the center.
    case cover
    /// Exactly the box, stretching if the aspect ratio differs.
    case exact
}

/// A resize request: a box (either side may be open) and how to fit it.
public struct ResizeSpec: Sendable, Equatable {
    public var width: Int?
    public var height: Int?
    public var fit: ResizeFit = .inside
    /// Allow making the image larger than it is.
    public var enlarge = false

    public init(width: Int? = nil, height: Int? = nil, fit: ResizeFit = .inside, enlarge: Bool = false) {
        self.width = width
        self.height = height
        self.fit = fit
        self.enlarge = enlarge
    }

    /// The size to resample a `width` × `height` image to before any crop, and the final size after it.
    public func plan(width: Int, height: Int) -> (scaled: (Int, Int), final: (Int, Int)) {
        let w = Double(width), h = Double(height)
        var scaleX: Double, scaleY: Double
        switch (self.width, self.height) {
        case (let tw?, nil): scaleX = Double(tw) / w; scaleY = scaleX
        case (nil, let th?): scaleY = Double(th) / h; scaleX = scaleY
        case (let tw?, let th?):
            switch fit {
            case .inside: scaleX = min(Double(tw) / w, Double(th) / h); scaleY = scaleX
            case .cover: scaleX = max(Double(tw) / w, Double(th) / h); scaleY = scaleX
            case .exact: scaleX = Double(tw) / w; scaleY = Double(th) / h
            }
        case (nil, nil): return ((width, height), (width, height))
        }
        if !enlarge {
            scaleX = min(scaleX, 1)
            scaleY = min(scaleY, 1)
        }
        let scaled = (max(1, Int((w * scaleX).rounded())), max(1, Int((h * scaleY).rounded())))
        guard fit == .cover, let tw = self.width, let th = self.height else { return (scaled, scaled) }
        return (scaled, (min(tw, scaled.0), min(th, scaled.1)))
    }
}
