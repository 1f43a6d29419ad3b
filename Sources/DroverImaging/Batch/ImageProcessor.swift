import Foundation

/// Applies a recipe to one file: validate, decode once (shrunk on load when every output allows it), run the
/// shared steps, then each output's steps, encode and write it atomically.
public struct ImageProcessor: Sendable {
    public let recipe: Recipe

    public init(recipe: Recipe) {
        self.recipe = recipe
    }

    /// Processes the file at `inputPath`, writing outputs under `outputRoot`; `relative` is its path relative to
    /// the input folder (it names the outputs). Never throws: failures are in the result.
    public func process(inputPath: String, relative: String, outputRoot: String) -> FileResult {
        let started = DispatchTime.now().uptimeNanoseconds
        var result = FileResult(input: relative)
        do throws(ImageError) {
            try run(inputPath: inputPath, relative: relative, outputRoot: outputRoot, result: &result)
        } catch {
            result.status = "failed"
            result.error = error.description
            result.outputs = []
        }
        result.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return result
    }

    private func run(inputPath: String, relative: String, outputRoot: String, result: inout FileResult) throws(ImageError) {
        var info = stat()
        guard stat(inputPath, &info) == 0 else { throw .io("cannot read: \(String(cString: strerror(errno)))") }
        result.bytesIn = Int(info.st_size)
        if result.bytesIn > recipe.limits.maxFileBytes {
            throw .limit("file is \(result.bytesIn) bytes, over the limit of \(recipe.limits.maxFileBytes)")
        }
        let bytes = try FileBytes(path: inputPath)
        result.bytesIn = bytes.count
        let reader = try ImageReader(bytes: bytes, limits: recipe.limits)
        let header = reader.header
        result.format = header.format.rawValue
        result.width = header.width
        result.height = header.height
        result.color = reader.colorManagement.summary
        guard recipe.formats.contains(header.format) else {
            throw .unsupportedFormat("\(header.format.rawValue), which this recipe's validate.formats does not allow")
        }
        let pixelOutputs = recipe.outputs.filter { !$0.lossless }
        var written: [FileResult.Output] = []
        if !pixelOutputs.isEmpty || recipe.outputs.isEmpty {
            let preShrink = pixelOutputs.map { self.preShrink(for: $0, header: header) }.min() ?? 1
            let dct = header.format == .jpeg ? [8, 4, 2, 1].first { $0 <= preShrink }! : 1
            let decoded = try reader.decode(shrink: dct, box: preShrink / dct)
            // Colors go to sRGB right after decoding, before any step; outputs that keep the profile keep the pixels.
            var bases: [Bool: WorkingImage] = [:]
            for (keepICC, raster) in reader.colorManagement.variants(of: decoded, keepICC: pixelOutputs.map(\.encoding.keepICC)) {
                var base = WorkingImage(raster: raster, logicalWidth: header.width, logicalHeight: header.height, orientation: header.orientation)
                for step in recipe.steps { base.apply(step) }
                bases[keepICC] = base
            }
            for output in pixelOutputs {
                var image = bases[output.encoding.keepICC]!
                for step in output.steps { image.apply(step) }
                let format = output.format ?? header.format
                let orientation = output.encoding.keepOrientation && image.orientation != .up ? image.orientation : nil
                let color = reader.colorManagement.metadata(for: output.encoding, original: reader.color, pixels: image.raster)
                let encoded: [UInt8] =
                    switch format {
                    case .jpeg: try JPEGWriter.encode(image.raster, options: output.encoding, color: color, orientation: orientation)
                    case .png: try PNGWriter.encode(image.raster, options: output.encoding, color: color)
                    }
                let path = output.relativePath(forInput: relative, format: header.format)
                try AtomicFile.write(encoded, to: outputRoot + "/" + path)
                written.append(.init(name: output.name, path: path, bytes: encoded.count, width: image.raster.width, height: image.raster.height))
            }
        }
        for output in recipe.outputs where output.lossless {
            // The pixels stay as they are, so a profile other than sRGB stays with them.
            var options = output.encoding
            options.keepICC = options.keepICC || reader.colorManagement.losslessNeedsProfile
            let encoded = try losslessBytes(bytes, header: header, reader: reader, options: options)
            let path = output.relativePath(forInput: relative, format: header.format)
            try AtomicFile.write(encoded, to: outputRoot + "/" + path)
            written.append(.init(name: output.name, path: path, bytes: encoded.count, width: header.width, height: header.height))
        }
        result.outputs = recipe.outputs.compactMap { spec in written.first { $0.name == spec.name } }
    }

    /// The file rewritten without loss; the input itself when the rewrite is not smaller.
    private func losslessBytes(_ bytes: FileBytes, header: ImageHeader, reader: ImageReader, options: EncodeOptions) throws(ImageError) -> [UInt8] {
        let orientation = options.keepOrientation && header.orientation != .up ? header.orientation : nil
        let encoded: [UInt8]
        switch header.format {
        case .jpeg:
            encoded = try JPEGWriter.transcode(bytes, options: options, orientation: orientation, limits: recipe.limits)
        case .png:
            let raster = try ImageReader(bytes: bytes, limits: recipe.limits).decode(keep16: true)
            let reencoded = try PNGWriter.encode(raster, options: options, color: reader.color)
            let stripped = PNGChunks.stripped(bytes.buffer, keepICC: options.keepICC) ?? reencoded
            encoded = stripped.count < reencoded.count ? stripped : reencoded
        }
        return encoded.count < bytes.count ? encoded : Array(bytes.buffer)
    }

    /// How much the decoder may shrink the image for `output` before the Lanczos3 step: half the output's total
    /// shrink (so at least 2× is left for the high-quality filter), and only when nothing but rotations and
    /// mirrorings come before the first resize. A JPEG takes up to 8× of it in the DCT domain, the rest is a box
    /// average of blocks as the rows are decoded.
    func preShrink(for output: OutputSpec, header: ImageHeader) -> Int {
        var (width, height) = (header.width, header.height)
        for step in recipe.steps + output.steps {
            if case .resize(let spec) = step {
                let scaled = spec.plan(width: width, height: height).scaled
                let factor = min(Double(width) / Double(scaled.0), Double(height) / Double(scaled.1))
                return factor >= 4 ? Int(factor / 2) : 1
            }
            guard step.isGeometric else { return 1 }
            if WorkingImage.swapsAxes(step, orientation: header.orientation) { (width, height) = (height, width) }
        }
        return 1
    }
}
