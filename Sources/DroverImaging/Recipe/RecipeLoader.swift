import DroverCore
import Foundation
import Yams

/// Reads recipe files (YAML or JSON), rejecting unknown fields and bad values with the file, line and field,
/// every problem at once, before any image is touched.
public enum RecipeLoader {
    /// Reads the recipe at `path`.
    public static func load(path: String) throws(DroverError) -> Recipe {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DroverError("\(path): cannot read the recipe (\(error.localizedDescription))")
        }
        return try parse(text: text, path: path)
    }

    /// Parses a size such as `52428800`, `50MB`, `512MiB` or `2GiB` (powers of 1024); nil when it is not one.
    public static func byteCount(_ text: String) -> Int? { RecipeReader.byteCount(text) }

    /// Parses `text` as the content of the recipe file `path`.
    public static func parse(text: String, path: String) throws(DroverError) -> Recipe {
        let root: Node?
        do {
            root = try compose(yaml: text)
        } catch {
            throw DroverError("\(path): malformed YAML/JSON: \(error)")
        }
        guard let root else { throw DroverError("\(path): the recipe is empty; it needs at least `outputs`") }
        var reader = RecipeReader(path: path)
        let recipe = reader.recipe(root)
        if !reader.issues.isEmpty { throw DroverError.invalid(reader.issues, nothingChanged: false).withRecipeNote }
        return recipe
    }
}

extension DroverError {
    fileprivate var withRecipeNote: DroverError {
        DroverError(message + "\nno image was processed.", exitCode: exitCode)
    }
}

/// Walks a recipe's YAML nodes, collecting issues.
struct RecipeReader {
    static let stepNames = [
        "autoOrient", "resize", "grayscale", "blur", "sharpen", "brightness", "contrast", "saturation", "rotate", "flip", "flop",
    ]
    /// The output formats each format-specific output field applies to (`format: same` allows them all).
    static let formatFields: [(field: String, formats: [ImageFormat])] = [
        ("quality", [.jpeg, .webp, .avif]), ("progressive", [.jpeg]), ("optimizeCoding", [.jpeg]),
        ("subsampling", [.jpeg, .avif]), ("pngEffort", [.png]), ("reduce16", [.png]), ("palette", [.png]),
        ("speed", [.avif]),
    ]
    let path: String
    var issues: [ValidationIssue] = []

    init(path: String) {
        self.path = path
    }

    mutating func recipe(_ root: Node) -> Recipe {
        var recipe = Recipe()
        guard let fields = mapping(root, field: "", allowed: ["description", "validate", "steps", "outputs"]) else { return recipe }
        if let node = fields["validate"] { validate(node, into: &recipe) }
        if let node = fields["steps"] { recipe.steps = steps(node, field: "steps") }
        if let node = fields["outputs"], let items = list(node, field: "outputs") {
            recipe.outputs = items.enumerated().compactMap { output($0.element, field: "outputs[\($0.offset)]", shared: recipe.steps) }
            if items.isEmpty { fail(node, "outputs", "needs at least one output") }
        } else if fields["outputs"] == nil {
            fail(root, "outputs", "is required: list the files to write for each input (name, steps, format...)")
        }
        var names = Set<String>(), paths = [String: String]()
        for (index, output) in recipe.outputs.enumerated() {
            if !names.insert(output.name).inserted {
                fail(fields["outputs"], "outputs[\(index)].name", "'\(output.name)' is used by two outputs")
            }
            for rendition in output.renditions {
                let sample = rendition.writtenPath(forInput: PathBytes("a/photo.jpg"), format: .jpeg, width: 100, height: 100, hash: "0")
                if let other = paths[sample.display], other != output.name {
                    fail(fields["outputs"], "outputs[\(index)].file", "writes the same files as output '\(other)'; use {output} or another folder")
                }
                paths[sample.display] = output.name
            }
        }
        return recipe
    }

    mutating func validate(_ node: Node, into recipe: inout Recipe) {
        let allowed = ["formats", "maxWidth", "maxHeight", "maxMegapixels", "maxFileSize", "maxScans", "maxMemory"]
        guard let fields = mapping(node, field: "validate", allowed: allowed) else { return }
        if let formats = fields["formats"], let items = list(formats, field: "validate.formats") {
            var set = Set<ImageFormat>()
            for (index, item) in items.enumerated() {
                if let format = ImageFormat(fileExtension: item.string ?? "") {
                    set.insert(format)
                } else {
                    fail(item, "validate.formats[\(index)]", "must be jpeg, png, webp, avif or heic (got '\(item.string ?? "?")')")
                }
            }
            recipe.formats = set
        }
        if let value = fields["maxWidth"].flatMap({ integer($0, field: "validate.maxWidth", in: 1...65_500) }) { recipe.limits.maxWidth = value }
        if let value = fields["maxHeight"].flatMap({ integer($0, field: "validate.maxHeight", in: 1...65_500) }) { recipe.limits.maxHeight = value }
        if let value = fields["maxMegapixels"].flatMap({ number($0, field: "validate.maxMegapixels", in: 0.000001...4_000) }) {
            recipe.limits.maxPixels = Int(value * 1_000_000)
        }
        if let value = fields["maxScans"].flatMap({ integer($0, field: "validate.maxScans", in: 1...100_000) }) { recipe.limits.maxScans = value }
        if let node = fields["maxMemory"] {
            if let bytes = Self.byteCount(node.string ?? ""), bytes >= 1 << 20 {
                recipe.limits.maxPixelMemory = bytes
            } else {
                fail(node, "validate.maxMemory", "must be a size of at least 1MiB and under an exbibyte, such as 512MiB or 2GiB (got '\(node.string ?? "?")')")
            }
        }
        if let node = fields["maxFileSize"] {
            if let bytes = Self.byteCount(node.string ?? "") {
                recipe.limits.maxFileBytes = bytes
            } else {
                fail(node, "validate.maxFileSize", "must be a size such as 52428800, 50MB or 2GiB (got '\(node.string ?? "?")')")
            }
        }
    }

    mutating func steps(_ node: Node, field: String) -> [Step] {
        guard let items = list(node, field: field) else { return [] }
        return items.enumerated().compactMap { step($0.element, field: "\(field)[\($0.offset)]") }
    }

    mutating func step(_ node: Node, field: String) -> Step? {
        let name: String, value: Node?
        switch node {
        case .scalar(let scalar):
            (name, value) = (scalar.string, nil)
        case .mapping(let pairs) where pairs.count == 1:
            (name, value) = (pairs.first!.key.string ?? "", pairs.first!.value)
        default:
            fail(node, field, "a step is a name (`- grayscale`) or a one-key mapping (`- resize: {width: 320}`)")
            return nil
        }
        let at = "\(field).\(name)"
        switch name {
        case "autoOrient", "grayscale", "flip", "flop":
            if let value, value.bool != true, value.string?.isEmpty == false, !(value.mapping?.isEmpty ?? false) {
                fail(value, at, "takes no value")
            }
            return ["autoOrient": .autoOrient, "grayscale": .grayscale, "flip": .flip, "flop": .flop][name]
        case "resize":
            guard let value, let fields = mapping(value, field: at, allowed: ["width", "height", "fit", "enlarge"]) else {
                if value == nil { fail(node, at, "needs a width and/or height, e.g. `resize: {width: 320, height: 320, fit: inside}`") }
                return nil
            }
            var spec = ResizeSpec()
            spec.width = fields["width"].flatMap { integer($0, field: "\(at).width", in: 1...65_500) }
            spec.height = fields["height"].flatMap { integer($0, field: "\(at).height", in: 1...65_500) }
            if fields["width"] == nil && fields["height"] == nil { fail(value, at, "needs a width, a height or both") }
            if let fit = fields["fit"] {
                if let mode = ResizeFit(rawValue: fit.string ?? "") { spec.fit = mode } else {
                    fail(fit, "\(at).fit", "must be inside, cover or exact (got '\(fit.string ?? "?")')")
                }
            }
            if let enlarge = fields["enlarge"] { spec.enlarge = boolean(enlarge, field: "\(at).enlarge") ?? false }
            return .resize(spec)
        case "blur":
            guard let sigma = parameter(value, node: node, field: at, key: "sigma", in: 0.01...200) else { return nil }
            return .blur(sigma: sigma)
        case "sharpen":
            var (sigma, amount, threshold) = (1.0, 1.0, 0)
            if let value, let fields = mapping(value, field: at, allowed: ["sigma", "amount", "threshold"]) {
                sigma = fields["sigma"].flatMap { number($0, field: "\(at).sigma", in: 0.01...200) } ?? sigma
                amount = fields["amount"].flatMap { number($0, field: "\(at).amount", in: 0...20) } ?? amount
                threshold = fields["threshold"].flatMap { integer($0, field: "\(at).threshold", in: 0...255) } ?? threshold
            }
            return .sharpen(sigma: sigma, amount: amount, threshold: threshold)
        case "brightness", "contrast", "saturation":
            guard let factor = parameter(value, node: node, field: at, key: "factor", in: 0...10) else { return nil }
            return name == "brightness" ? .brightness(factor) : name == "contrast" ? .contrast(factor) : .saturation(factor)
        case "rotate":
            guard let degrees = parameter(value, node: node, field: at, key: "degrees", in: 0...360) else { return nil }
            guard [90, 180, 270].contains(Int(degrees)), degrees == degrees.rounded() else {
                fail(value ?? node, at, "must be 90, 180 or 270 (degrees clockwise)")
                return nil
            }
            return .rotate(Int(degrees))
        default:
            fail(node, field, "unknown step '\(name)'; steps are \(Self.stepNames.joined(separator: ", "))")
            return nil
        }
    }

    mutating func output(_ node: Node, field: String, shared: [Step]) -> OutputSpec? {
        let allowed = [
            "name", "steps", "format", "quality", "progressive", "optimizeCoding", "subsampling", "keepICC",
            "keepOrientation", "lossless", "folder", "file", "widths", "pngEffort", "reduce16", "palette", "speed",
        ]
        guard let fields = mapping(node, field: field, allowed: allowed) else { return nil }
        let name = fields["name"]?.string ?? ""
        if fields["name"] == nil {
            fail(node, "\(field).name", "is required (it names the output in file names and the report)")
        } else if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            fail(fields["name"], "\(field).name", "must be letters, digits, - and _ (got '\(name)')")
        }
        var output = OutputSpec(name: name)
        if let node = fields["steps"] { output.steps = steps(node, field: "\(field).steps") }
        if let node = fields["format"] {
            if node.string?.lowercased() == "same" {
                output.format = nil
            } else if let format = ImageFormat(fileExtension: node.string ?? ""), format.isWritable {
                output.format = format
            } else {
                fail(node, "\(field).format", "must be jpeg, png, webp, avif or same (got '\(node.string ?? "?")')")
            }
        }
        var encoding = EncodeOptions()
        if let q = fields["quality"].flatMap({ integer($0, field: "\(field).quality", in: 1...100) }) { encoding.quality = q }
        if let node = fields["progressive"], let flag = boolean(node, field: "\(field).progressive") { encoding.progressive = flag }
        if let node = fields["optimizeCoding"], let flag = boolean(node, field: "\(field).optimizeCoding") { encoding.optimizeCoding = flag }
        if let node = fields["keepICC"], let flag = boolean(node, field: "\(field).keepICC") { encoding.keepICC = flag }
        if let node = fields["keepOrientation"], let flag = boolean(node, field: "\(field).keepOrientation") { encoding.keepOrientation = flag }
        if let node = fields["reduce16"], let flag = boolean(node, field: "\(field).reduce16") { encoding.reduce16 = flag }
        if let node = fields["palette"], let flag = boolean(node, field: "\(field).palette") { encoding.palette = flag }
        if let node = fields["lossless"], let flag = boolean(node, field: "\(field).lossless") { output.lossless = flag }
        if let speed = fields["speed"].flatMap({ integer($0, field: "\(field).speed", in: 0...10) }) { encoding.speed = speed }
        if let node = fields["subsampling"] {
            if let value = ChromaSubsampling(rawValue: node.string ?? "") { encoding.subsampling = value } else {
                fail(node, "\(field).subsampling", "must be \"4:2:0\", \"4:2:2\" or \"4:4:4\" (got '\(node.string ?? "?")')")
            }
        }
        if let node = fields["pngEffort"] {
            if let value = PNGEffort(rawValue: node.string ?? "") { encoding.pngEffort = value } else {
                fail(node, "\(field).pngEffort", "must be fast or best (got '\(node.string ?? "?")')")
            }
        }
        output.encoding = encoding
        if let node = fields["folder"] {
            let folder = node.string ?? ""
            if folder.hasPrefix("/") || folder.split(separator: "/").contains("..") {
                fail(node, "\(field).folder", "must be a relative folder inside the output folder (got '\(folder)')")
            }
            output.folder = folder.split(separator: "/").joined(separator: "/")
        }
        if let node = fields["widths"], let items = list(node, field: "\(field).widths") {
            output.widths = items.enumerated().compactMap { integer($0.element, field: "\(field).widths[\($0.offset)]", in: 1...65_500) }
            if items.isEmpty { fail(node, "\(field).widths", "needs at least one width, e.g. [320, 640, 1280]") }
            if Set(output.widths).count != output.widths.count { fail(node, "\(field).widths", "lists a width twice") }
            if output.steps.contains(where: { if case .resize = $0 { true } else { false } }) {
                fail(node, "\(field).widths", "resizes to each width itself: remove the output's own resize step")
            }
            output.file = OutputSpec.defaultWidthsFile
        }
        if let node = fields["file"] {
            let text = node.string ?? ""
            do throws(TemplateError) {
                let template = try FileTemplate(text)
                if text.contains("/") || !template.placeholders.contains(.name) {
                    fail(node, "\(field).file", "must contain {name} and no '/', e.g. \"{name}-{output}.{ext}\" (got '\(text)')")
                } else if output.widths.count > 1 && template.placeholders.isDisjoint(with: [.width, .hash]) {
                    fail(node, "\(field).file", "must contain {width} (or {hash}) to tell the widths apart (got '\(text)')")
                }
                output.file = template
            } catch {
                fail(node, "\(field).file", "\(error) (got '\(text)')")
            }
        }
        formatSpecificFields(fields, output: output, field: field, shared: shared)
        return output
    }

    /// Refuses fields that do not apply to the output's format, and lossless outputs that cannot be.
    mutating func formatSpecificFields(_ fields: [String: Node], output: OutputSpec, field: String, shared: [Step]) {
        if let format = output.format {
            for (name, formats) in Self.formatFields where fields[name] != nil && !formats.contains(format) {
                let list = formats.map(\.displayName).joined(separator: " and ")
                fail(fields[name], "\(field).\(name)", "does not apply to \(format.displayName) output (only to \(list))")
            }
        }
        guard output.lossless, let node = fields["lossless"] else { return }
        switch output.format {
        case nil:
            if !(shared + output.steps).isEmpty {
                fail(node, "\(field).lossless", "a lossless output rewrites the file as it is: it cannot have steps (the recipe's or its own)")
            }
            if !output.widths.isEmpty { fail(node, "\(field).lossless", "a lossless output keeps the input's size: it cannot have widths") }
        case .webp?:
            if let quality = fields["quality"] {
                fail(quality, "\(field).quality", "does not apply to a lossless WebP output (every pixel is kept)")
            }
        case .avif?:
            fail(node, "\(field).lossless", "AVIF output is lossy only; use `format: webp` for a lossless encoding of the pixels")
        default:
            fail(node, "\(field).lossless", "a lossless JPEG or PNG output keeps the input's format: use `format: same` (or `format: webp`)")
        }
    }

    // MARK: - Values

    mutating func parameter(_ value: Node?, node: Node, field: String, key: String, in range: ClosedRange<Double>) -> Double? {
        guard let value else {
            fail(node, field, "needs a value, e.g. `\(field.split(separator: ".").last ?? ""): 1.5`")
            return nil
        }
        if let fields = value.mapping {
            guard let inner = mapping(value, field: field, allowed: [key]), let node = inner[key] else {
                if fields.isEmpty { fail(value, field, "needs \(key)") }
                return nil
            }
            return number(node, field: "\(field).\(key)", in: range)
        }
        return number(value, field: field, in: range)
    }

    mutating func mapping(_ node: Node, field: String, allowed: [String]) -> [String: Node]? {
        guard case .mapping(let pairs) = node else {
            fail(node, field, "must be a mapping of field names to values")
            return nil
        }
        var result: [String: Node] = [:]
        for (key, value) in pairs {
            let name = key.string ?? ""
            if allowed.contains(name) {
                result[name] = value
            } else {
                let place = field.isEmpty ? name : "\(field).\(name)"
                fail(key, place, "unknown field; expected one of \(allowed.joined(separator: ", "))")
            }
        }
        return result
    }

    mutating func list(_ node: Node, field: String) -> [Node]? {
        guard case .sequence(let items) = node else {
            fail(node, field, "must be a list")
            return nil
        }
        return Array(items)
    }

    mutating func integer(_ node: Node, field: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = node.int, node.scalar?.style == .plain else {
            fail(node, field, "must be a whole number (got '\(node.string ?? "?")')")
            return nil
        }
        guard range.contains(value) else {
            fail(node, field, "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, field: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = node.float ?? node.int.map(Double.init), node.scalar?.style == .plain else {
            fail(node, field, "must be a number (got '\(node.string ?? "?")')")
            return nil
        }
        guard range.contains(value) else {
            fail(node, field, "must be between \(range.lowerBound.formatted()) and \(range.upperBound.formatted()) (got \(value.formatted()))")
            return nil
        }
        return value
    }

    mutating func boolean(_ node: Node, field: String) -> Bool? {
        guard let value = node.bool else {
            fail(node, field, "must be true or false (got '\(node.string ?? "?")')")
            return nil
        }
        return value
    }

    mutating func fail(_ node: Node?, _ field: String, _ message: String) {
        issues.append(ValidationIssue(location: "\(path):\(node?.mark?.line ?? 0)", field: field, message: message))
    }

    /// Parses `52428800`, `50MB`, `50 MiB`, `2GB`, `1TiB` (powers of 1024); nil for anything else, and for sizes
    /// of an exbibyte or more.
    static func byteCount(_ text: String) -> Int? {
        let trimmed = text.replacingOccurrences(of: " ", with: "").uppercased()
        let units: [(String, Double)] = [
            ("TIB", 0x1p40), ("GIB", 0x1p30), ("MIB", 0x1p20), ("KIB", 0x1p10), ("TB", 0x1p40), ("GB", 0x1p30), ("MB", 0x1p20),
            ("KB", 0x1p10), ("B", 1),
        ]
        let (number, scale): (Double?, Double) =
            units.first { trimmed.hasSuffix($0.0) }.map { (Double(trimmed.dropLast($0.0.count)), $0.1) } ?? (Double(trimmed), 1)
        guard let number, number > 0, number.isFinite else { return nil }
        let bytes = (number * scale).rounded(.down)
        guard bytes >= 1, bytes < 0x1p60 else { return nil }
        return Int(bytes)
    }
}

extension Double {
    fileprivate func formatted() -> String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
