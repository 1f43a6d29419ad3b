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
    /// Rewrite the file without decoding to pixels (JPEG: from DCT coefficients; PNG: same pixels, smallest
    /// encoding); never larger than the input.
    public var lossless = false
    /// Sub-folder of the output folder (may be empty).
    public var folder = ""
    /// File-name template with `{name}` (input name without extension), `{output}` and `{ext}`.
    public var file = "{name}-{output}.{ext}"

    public init(name: String, steps: [Step] = [], format: ImageFormat? = nil) {
        self.name = name
        self.steps = steps
        self.format = format
    }

    /// The relative path of this output for an input at relative path `input` (folders mirrored).
    public func relativePath(forInput input: String, format inputFormat: ImageFormat) -> String {
        let components = input.split(separator: "/", omittingEmptySubsequences: true)
        let fileName = components.last.map(String.init) ?? input
        let stem = fileName.lastIndex(of: ".").map { String(fileName[..<$0]) } ?? fileName
        let written = (format ?? inputFormat).fileExtension
        let name = file.replacingOccurrences(of: "{name}", with: stem)
            .replacingOccurrences(of: "{output}", with: self.name)
            .replacingOccurrences(of: "{ext}", with: written)
        let parents = components.dropLast().map(String.init)
        return ((folder.isEmpty ? [] : [folder]) + parents + [name]).joined(separator: "/")
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
