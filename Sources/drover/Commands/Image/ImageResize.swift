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
            The output format follows OUT's extension (.jpg/.jpeg or .png). Colors with an embedded ICC profile \
            (Display P3, Adobe RGB, ...) are converted to sRGB and the profile dropped, unless --keep-icc.
            """)

    @Argument(help: "Input JPEG or PNG.") var input: String
    @Argument(help: "Output file.") var output: String
    @Option(parsing: .unconditional, help: "Target width in pixels.") var width: Int?
    @Option(parsing: .unconditional, help: "Target height in pixels.") var height: Int?
    @Option(help: "inside (fit in the box), cover (fill and crop) or exact.") var fit: String = "inside"
    @Flag(help: "Allow making the image larger.") var enlarge = false
    @Option(parsing: .unconditional, help: "JPEG quality, 1-100.") var quality: Int = 82
    @Flag(inversion: .prefixedNo, help: "Apply the EXIF orientation.") var autoOrient = true
    @Flag(help: "Keep the pixels' colors and their ICC profile instead of converting to sRGB.") var keepIcc = false

    func run() throws {
        guard width != nil || height != nil else { throw DroverError("give --width, --height or both") }
        for (name, value) in [("--width", width), ("--height", height)] {
            if let value, !(1...65_500).contains(value) { throw DroverError("\(name) must be between 1 and 65500 (got \(value))") }
        }
        guard let mode = ResizeFit(rawValue: fit) else { throw DroverError("--fit must be inside, cover or exact (got '\(fit)')") }
        guard (1...100).contains(quality) else { throw DroverError("--quality must be between 1 and 100 (got \(quality))") }
        var spec = try SingleFile.output(for: output)
        spec.steps = [.resize(ResizeSpec(width: width, height: height, fit: mode, enlarge: enlarge))]
        spec.encoding.quality = quality
        spec.encoding.keepICC = keepIcc
        try SingleFile.run(input: input, output: output, recipe: Recipe(steps: autoOrient ? [.autoOrient] : [], outputs: [spec]))
    }
}

/// `drover image optimize IN OUT`: one file, lossless unless a quality is given.
struct ImageOptimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Make one JPEG or PNG smaller: losslessly (the default), or re-encoded at --quality.",
        discussion: """
            Lossless JPEG: rewritten from its DCT coefficients with optimized Huffman tables, progressive, metadata \
            dropped (but an ICC profile other than sRGB, which the colors need). Lossless PNG: the smallest lossless \
            color type and bit depth, the best filter and zlib strategy. A lossless result is never larger than the \
            input. Re-encoded at --quality, colors are converted to sRGB unless --keep-icc.
            """)

    @Argument(help: "Input JPEG or PNG.") var input: String
    @Argument(help: "Output file (same format as the input when lossless).") var output: String
    @Option(parsing: .unconditional, help: "Re-encode as JPEG at this quality (lossy).") var quality: Int?
    @Flag(help: "Keep the ICC color profile (and the colors as they are) even when it is sRGB.") var keepIcc = false

    func run() throws {
        var spec = try SingleFile.output(for: output)
        spec.encoding.keepICC = keepIcc
        if let quality {
            guard (1...100).contains(quality) else { throw DroverError("--quality must be between 1 and 100 (got \(quality))") }
            spec.encoding.quality = quality
        } else {
            spec.lossless = true
            spec.format = nil
        }
        try SingleFile.run(input: input, output: output, recipe: Recipe(outputs: [spec]))
    }
}

/// Shared plumbing of the one-file commands.
enum SingleFile {
    /// An output spec that writes exactly `path`, in the format its extension names.
    static func output(for path: String) throws(DroverError) -> OutputSpec {
        var spec = OutputSpec(name: "out")
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg", "jpe": spec.format = .jpeg
        case "png": spec.format = .png
        default: spec.format = nil
        }
        spec.file = (path as NSString).lastPathComponent
        return spec
    }

    static func run(input: String, output: String, recipe: Recipe) throws {
        let folder = (output as NSString).deletingLastPathComponent
        let result = ImageProcessor(recipe: recipe).process(
            inputPath: input, relative: (input as NSString).lastPathComponent, outputRoot: folder.isEmpty ? "." : folder)
        if let error = result.error { throw DroverError("\(input): \(error)", exitCode: 1) }
        if let written = result.outputs.first {
            let line = "\(output): \(written.width)x\(written.height), \(result.bytesIn) -> \(written.bytes) bytes"
            // Written into a pipe or device (`/dev/stdout`), the line goes to stderr so the image stays whole.
            if AtomicFile.stream(output) != nil {
                try Printer.note(line)
            } else {
                try Printer.out(line)
            }
        }
    }
}
