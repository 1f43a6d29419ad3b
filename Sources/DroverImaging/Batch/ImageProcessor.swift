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
        process(input: PathBytes(inputPath), relative: PathBytes(relative), outputRoot: PathBytes(outputRoot))
    }

    /// Processes the file at `input`, writing outputs under `outputRoot`; `relative` is its path relative to the
    /// input folder (it names the outputs). Every output is staged first and they all appear together once the
    /// last is encoded: a file that fails leaves no output behind. In a batch, each output file is marked as the
    /// batch's (`mark`) and claimed for this input (`claims`): an output another input of the run already wrote
    /// fails this one. Never throws: failures are in the result.
    public func process(
        input: PathBytes, relative: PathBytes, outputRoot: PathBytes, mark: [UInt8]? = nil, claims: OutputClaims? = nil
    ) -> FileResult {
        let started = DispatchTime.now().uptimeNanoseconds
        var result = FileResult(input: relative.display)
        var staged: [(file: StagedFile, output: FileResult.Output)] = []
        do throws(ImageError) {
            try run(input: input, relative: relative, outputRoot: outputRoot, mark: mark, result: &result) { file, output in
                staged.append((file, output))
            }
            if let claims {
                for entry in staged {
                    if let other = claims.claim(entry.output.file, for: result.input) {
                        throw .unsupported("writes the same output \(entry.output.path) as \(other): tell them apart in the output's file template")
                    }
                }
            }
            var committed: [StagedFile] = []
            for (index, entry) in staged.enumerated() {
                do throws(ImageError) {
                    try entry.file.commit()
                    committed.append(entry.file)
                } catch {
                    for file in committed { file.undo() }
                    for later in staged[(index + 1)...] { later.file.discard() }
                    staged = []
                    throw error
                }
            }
            result.outputs = staged.map(\.output)
        } catch {
            for entry in staged { entry.file.discard() }
            result.status = .failed
            result.error = error.description
            result.outputs = []
        }
        result.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return result
    }

    private func run(
        input: PathBytes, relative: PathBytes, outputRoot: PathBytes, mark: [UInt8]?, result: inout FileResult,
        stage: (StagedFile, FileResult.Output) -> Void
    ) throws(ImageError) {
        guard let info = input.status(following: true) else { throw .io("cannot read: \(String(cString: strerror(errno)))") }
        result.bytesIn = Int(info.st_size)
        if result.bytesIn > recipe.limits.maxFileBytes {
            throw .limit("file is \(result.bytesIn) bytes, over the limit of \(recipe.limits.maxFileBytes)")
        }
        let bytes = try FileBytes(path: input, limit: recipe.limits.maxFileBytes)
        result.bytesIn = bytes.count
        let reader = try ImageReader(bytes: bytes, limits: recipe.limits)
        let header = reader.header
        result.format = header.format.rawValue
        result.width = header.width
        result.height = header.height
        result.color = reader.colorManagement.summary
        guard recipe.formats.contains(header.format) else {
            // The recipe takes only some formats: the others are not inputs to it.
            result.status = .skipped
            result.reason = "\(header.format.displayName), which this recipe's validate.formats leaves out"
            return
        }
        func write(_ encoded: [UInt8], _ rendition: Rendition, format: ImageFormat, width: Int, height: Int) throws(ImageError) {
            let hash = ContentHash.sha256(encoded)
            let path = rendition.writtenPath(forInput: relative, format: format, width: width, height: height, hash: String(hash.prefix(10)))
            let file = try AtomicFile.stage(encoded, at: outputRoot.appending(path), mark: mark)
            stage(file, .init(
                name: rendition.output.name, path: path, format: format.rawValue, bytes: encoded.count,
                width: width, height: height, hash: hash))
        }
        let plan = try MemoryPlan.make(recipe: recipe, header: header, budget: recipe.limits.maxPixelMemory)
        func steps(_ steps: [Step]) -> [Step] { plan.scalesFilters ? MemoryPlan.scaled(steps, by: plan.preShrink) : steps }
        let pixelOutputs = recipe.outputs.filter { !$0.rewritesInput }
        if !pixelOutputs.isEmpty || recipe.outputs.isEmpty {
            let dct = header.format == .jpeg ? [8, 4, 2, 1].first { $0 <= plan.preShrink }! : 1
            let decoded = try reader.decode(shrink: dct, box: plan.preShrink / dct)
            // Colors go to sRGB right after decoding, before any step; outputs that keep the profile keep the pixels.
            var bases: [Bool: WorkingImage] = [:]
            for (keepICC, raster) in reader.colorManagement.variants(of: decoded, keepICC: pixelOutputs.map(\.encoding.keepICC)) {
                var base = WorkingImage(raster: raster, logicalWidth: header.width, logicalHeight: header.height, orientation: header.orientation)
                for step in steps(recipe.steps) { base.apply(step) }
                bases[keepICC] = base
            }
            for output in pixelOutputs {
                var shaped = bases[output.encoding.keepICC]!
                for step in steps(output.steps) { shaped.apply(step) }
                let smallest = output.widths.min()
                for rendition in output.renditions {
                    var image = shaped
                    if let width = rendition.width {
                        // A width wider than the image is not made (the smallest width always is).
                        if width > shaped.logicalWidth && width != smallest { continue }
                        image.apply(.resize(ResizeSpec(width: width)))
                    }
                    let format = output.writtenFormat(forInput: header.format)
                    let color = reader.colorManagement.metadata(for: output.encoding, original: reader.color, pixels: image.raster)
                    let encoded = try encode(image, format: format, output: output, color: color)
                    try write(encoded, rendition, format: format, width: image.raster.width, height: image.raster.height)
                }
            }
        }
        for output in recipe.outputs where output.rewritesInput {
            if let format = output.format, format != header.format {
                throw .unsupported("a lossless rewrite keeps the input's format (\(header.format.displayName)); it cannot write \(format.displayName)")
            }
            // The pixels stay as they are, so a profile other than sRGB stays with them.
            var options = output.encoding
            options.keepICC = options.keepICC || reader.colorManagement.losslessNeedsProfile
            let encoded = try losslessBytes(bytes, header: header, reader: reader, options: options)
            try write(encoded, output.renditions[0], format: header.format, width: header.width, height: header.height)
        }
    }

    /// The encoded bytes of `image` in `format`, with `output`'s encoding options.
    private func encode(_ image: WorkingImage, format: ImageFormat, output: OutputSpec, color: ColorMetadata) throws(ImageError) -> [UInt8] {
        let orientation = output.encoding.keepOrientation && image.orientation != .up ? image.orientation : nil
        var options = output.encoding
        options.lossless = output.lossless
        return try ImageEncoder.encode(raster: image.raster, format: format, options: options, color: color, orientation: orientation)
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
        case .webp:
            let raster = try ImageReader(bytes: bytes, limits: recipe.limits).decode()
            var webp = options
            webp.lossless = true
            encoded = try WebPWriter.encode(raster, options: webp, color: reader.color, orientation: orientation)
        case .avif, .heic:
            throw .unsupported("Drover rewrites JPEG, PNG and WebP losslessly, not \(header.format.displayName)")
        }
        return encoded.count < bytes.count ? encoded : Array(bytes.buffer)
    }
}
