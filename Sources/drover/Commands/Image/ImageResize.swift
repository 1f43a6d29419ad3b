import ArgumentParser
import DroverCore
import DroverImaging
import Foundation

/// `drover image resize IN OUT --width W`: one file, for scripts.
struct ImageResize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resize",
        abstract: "Resize one image (Lanczos3), turning it upright from its EXIF orientation first.",
        discussion: """
            Colors with an embedded ICC profile (Display P3, Adobe RGB, ...) are converted to sRGB and the profile \
            dropped, unless --keep-icc. \(SingleFile.formatRule)
            """)

    @Argument(help: "Input JPEG, PNG, WebP, AVIF or HEIC.") var input: String
    @Argument(help: "Output file.") var output: String
    @Option(parsing: .unconditional, help: "Target width in pixels.") var width: Int?
    @Option(parsing: .unconditional, help: "Target height in pixels.") var height: Int?
    @Option(help: "inside (fit in the box), cover (fill and crop) or exact.") var fit: String = "inside"
    @Flag(help: "Allow making the image larger.") var enlarge = false
    @Option(parsing: .unconditional, help: "Quality of JPEG, WebP and AVIF output, 1-100 (default 82, 80, 60).") var quality: Int?
    @Option(help: "Output format: jpeg, png, webp or avif (default: OUT's extension).") var format: String?
    @Flag(inversion: .prefixedNo, help: "Apply the EXIF orientation.") var autoOrient = true
    @Flag(help: "Keep the pixels' colors and their ICC profile instead of converting to sRGB.") var keepIcc = false

    func run() throws {
        guard width != nil || height != nil else { throw DroverError("give --width, --height or both") }
        for (name, value) in [("--width", width), ("--height", height)] {
            if let value, !(1...65_500).contains(value) { throw DroverError("\(name) must be between 1 and 65500 (got \(value))") }
        }
        guard let mode = ResizeFit(rawValue: fit) else { throw DroverError("--fit must be inside, cover or exact (got '\(fit)')") }
        var spec = try SingleFile.output(for: output, format: format)
        spec.steps = [.resize(ResizeSpec(width: width, height: height, fit: mode, enlarge: enlarge))]
        spec.encoding.quality = try SingleFile.quality(quality, format: spec.format)
        spec.encoding.keepICC = keepIcc
        try SingleFile.run(input: input, output: output, recipe: Recipe(steps: autoOrient ? [.autoOrient] : [], outputs: [spec]))
    }
}

/// `drover image optimize IN OUT`: one file, lossless unless a quality is given.
struct ImageOptimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Make one image smaller: losslessly (the default), or re-encoded at --quality.",
        discussion: """
            Lossless JPEG: rewritten from its DCT coefficients with optimized Huffman tables, progressive, metadata \
            dropped (but an ICC profile other than sRGB, which the colors need). Lossless PNG: the smallest lossless \
            color type and bit depth, the best filter and zlib strategy. A lossless JPEG, PNG or WebP result keeps \
            the input's format and is never larger than the input; a .webp output of another format is a lossless \
            WebP of its pixels. Re-encoded at --quality, colors are converted to sRGB unless --keep-icc. \
            \(SingleFile.formatRule)
            """)

    @Argument(help: "Input JPEG, PNG, WebP, AVIF or HEIC.") var input: String
    @Argument(help: "Output file (same format as the input for a lossless JPEG or PNG).") var output: String
    @Option(parsing: .unconditional, help: "Re-encode at this quality, 1-100 (lossy): JPEG, WebP or AVIF.") var quality: Int?
    @Option(help: "Output format: jpeg, png, webp or avif (default: OUT's extension).") var format: String?
    @Flag(help: "Keep the ICC color profile (and the colors as they are) even when it is sRGB.") var keepIcc = false

    func run() throws {
        var spec = try SingleFile.output(for: output, format: format)
        spec.encoding.keepICC = keepIcc
        if let quality {
            spec.encoding.quality = try SingleFile.quality(quality, format: spec.format)
        } else if spec.format == .avif {
            throw DroverError("\(output): AVIF output is lossy only: give --quality (or write .webp for a lossless WebP)")
        } else {
            // In the input's own format, the input rewritten (never larger); else a lossless WebP of the pixels.
            spec.lossless = true
            let bytes = try? FileBytes(path: RawArgument.path(input))
            if spec.format == .webp, let bytes, case .success(.webp) = ImageFormat.sniff(bytes.buffer) { spec.format = nil }
        }
        try SingleFile.run(input: input, output: output, recipe: Recipe(outputs: [spec]))
    }
}

/// Shared plumbing of the one-file commands.
enum SingleFile {
    static let formatRule = """
        The output format is --format, else OUT's extension: .jpg/.jpeg/.jpe, .png, .webp or .avif; any other \
        extension is refused. A stream without an extension (/dev/stdout, a FIFO) gets the input's format (JPEG for \
        a HEIC input).
        """

    /// An output spec that writes exactly `path`: in `format` when given, else in the format its extension names. A
    /// stream (`/dev/stdout`, a FIFO) without an extension keeps the input's format; any other name is refused.
    static func output(for path: String, format: String?) throws(DroverError) -> OutputSpec {
        var spec = OutputSpec(name: "out")
        let file = RawArgument.path(path)
        spec.file = FileTemplate(literal: file.lastComponent)
        let writes = "Drover writes .jpg/.jpeg/.jpe, .png, .webp and .avif files (or give --format jpeg, png, webp or avif)"
        if let format {
            guard let chosen = ImageFormat(fileExtension: format), chosen.isWritable else {
                throw DroverError("--format must be jpeg, png, webp or avif (got '\(format)')")
            }
            spec.format = chosen
            return spec
        }
        let suffix = file.lowercasedExtension
        if let chosen = ImageFormat(fileExtension: suffix), chosen.isWritable {
            spec.format = chosen
        } else if file.pathExtension.isEmpty && AtomicFile.stream(file) != nil {
            spec.format = nil
        } else if file.pathExtension.isEmpty {
            throw DroverError("\(file.display): the name has no extension to tell the format; \(writes)")
        } else {
            throw DroverError("\(file.display): Drover cannot write .\(file.pathExtension.display) files; \(writes)")
        }
        return spec
    }

    /// `quality` checked, for an output in `format` (nil: the input's, not known yet).
    static func quality(_ quality: Int?, format: ImageFormat?) throws(DroverError) -> Int? {
        guard let quality else { return nil }
        guard (1...100).contains(quality) else { throw DroverError("--quality must be between 1 and 100 (got \(quality))") }
        if format == .png { throw DroverError("--quality does not apply to PNG output (PNG is lossless)") }
        return quality
    }

    static func run(input: String, output: String, recipe: Recipe) throws {
        let inputPath = RawArgument.path(input), outputPath = RawArgument.path(output)
        if let source = inputPath.status(following: true), let target = outputPath.status(following: true), source.st_dev == target.st_dev, source.st_ino == target.st_ino,
            source.st_mode & S_IFMT == S_IFREG
        {
            throw DroverError("\(outputPath.display) is the input itself: write to another file (and move it over the input if you mean to)")
        }
        let folder = outputPath.parent
        let result = ImageProcessor(recipe: recipe).process(
            input: inputPath, relative: inputPath.lastComponent, outputRoot: folder.isEmpty ? PathBytes(".") : folder)
        if let error = result.error { throw DroverError("\(inputPath.display): \(error)", exitCode: 1) }
        if let written = result.outputs.first {
            let line = "\(outputPath.display): \(written.width)x\(written.height), \(result.bytesIn) -> \(written.bytes) bytes"
            // Written into a pipe or device (`/dev/stdout`), the line goes to stderr so the image stays whole.
            if AtomicFile.stream(outputPath) != nil {
                try Printer.note(line)
            } else {
                try Printer.out(line)
            }
        }
    }
}
