import Foundation
import Testing
@testable import DroverImaging

/// A mutation fuzzer over the decoders: seeds are real photographs (re-encoded small, in several JPEG and PNG
/// flavors) and generated images; each mutated input is decoded (and, for JPEG, transcoded losslessly), and what
/// decodes is resized and re-encoded. Nothing may crash or hang; every failure must be a typed error.
///
/// The suite runs `DROVER_FUZZ_ITERATIONS` JPEG and PNG inputs (default 20,000; `scripts/fuzz-decoders 100000` runs
/// the long one) and `DROVER_FUZZ_MODERN_ITERATIONS` WebP, AVIF and HEIC inputs (default 10,000; 200,000 ran clean
/// in 27 s).
struct FuzzTests {
    /// A small, fast, seeded generator (SplitMix64), so a failing input can be reproduced from its iteration number.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static func seeds() throws -> [[UInt8]] {
        var rasters = [ImageMaker.pattern(width: 61, height: 37), ImageMaker.pattern(width: 40, height: 40, channels: 1)]
        let folder = ReferenceTests.root.appendingPathComponent("test-images/wallpapers").path
        let photos = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".jpg") }.sorted()
        for name in photos.prefix(3) {
            let full = try ImageReader(bytes: FileBytes(path: folder + "/" + name)).decode(shrink: 8)
            rasters.append(full.resized(width: 96, height: 60))
        }
        var seeds: [[UInt8]] = []
        for raster in rasters {
            var options = EncodeOptions()
            options.progressive = false
            seeds.append(try JPEGWriter.encode(raster, options: options))
            options.progressive = true
            options.subsampling = .s444
            seeds.append(try JPEGWriter.encode(raster, options: options))
            options.pngEffort = .fast
            seeds.append(try PNGWriter.encode(raster, options: options))
        }
        let rgba = ImageMaker.pattern(width: 33, height: 21, channels: 4)
        seeds.append(try PNGWriter.encode(rgba, options: EncodeOptions()))
        seeds.append(try ImageMaker.png(rows: rgba.pixels, width: 33, height: 21, colorType: 6, bitDepth: 8, interlace: true))
        seeds.append(try ImageMaker.png(rows: [UInt8](repeating: 7, count: 40 * 10 * 2), width: 40, height: 10, colorType: 0, bitDepth: 16))
        seeds.append(try ImageMaker.png(rows: (0..<(30 * 9)).map { UInt8($0 % 4) }, width: 30, height: 9, colorType: 3, bitDepth: 2,
                                        palette: [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9], trns: [0, 128]))
        seeds.append(try ImageMaker.cmykJPEG([UInt8](repeating: 100, count: 16 * 16 * 4), width: 16, height: 16, colorSpace: 5))
        return seeds
    }

    static func mutate(_ seed: [UInt8], other: [UInt8], generator g: inout Generator) -> [UInt8] {
        var data = seed
        for _ in 0...g.below(3) {
            guard !data.isEmpty else { break }
            switch g.below(7) {
            case 0, 1:  // flip bits
                for _ in 0...g.below(8) { data[g.below(data.count)] ^= UInt8(1 << g.below(8)) }
            case 2:  // interesting values
                let values: [UInt8] = [0, 0xFF, 0x7F, 0x80, 0x01, 0xFE, 0xD8, 0xD9, 0xC0, 0xC2, 0xDA]
                for _ in 0...g.below(4) { data[g.below(data.count)] = values[g.below(values.count)] }
            case 3:  // truncate
                data.removeLast(g.below(data.count))
            case 4:  // delete a range
                let start = g.below(data.count), length = min(g.below(64) + 1, data.count - start)
                data.removeSubrange(start..<(start + length))
            case 5:  // duplicate a range
                let start = g.below(data.count), length = min(g.below(256) + 1, data.count - start)
                data.insert(contentsOf: data[start..<(start + length)], at: g.below(data.count))
            default:  // splice with another seed
                let cut = g.below(data.count), from = g.below(other.count)
                data = Array(data[0..<cut]) + other[from...]
            }
        }
        if data.count > 8, data[0] == 0x89, g.below(2) == 0 { fixPNGChecksums(&data) }
        return data
    }

    /// Recomputes each chunk's CRC, so that mutations reach libpng's and zlib's parsing instead of failing the CRC.
    static func fixPNGChecksums(_ data: inout [UInt8]) {
        var at = 8
        while at + 12 <= data.count {
            let length = Int(data[at]) << 24 | Int(data[at + 1]) << 16 | Int(data[at + 2]) << 8 | Int(data[at + 3])
            guard length >= 0, at + 12 + length <= data.count else { return }
            let crc = CRC32.of(data[(at + 4)..<(at + 8 + length)])
            data.replaceSubrange((at + 8 + length)..<(at + 12 + length), with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
            at += 12 + length
        }
    }

    /// Decodes one input the ways the pipeline does; returns whether it decoded.
    static func exercise(_ input: [UInt8]) -> Bool {
        let bytes = FileBytes(input)
        let limits = ImageLimits(maxWidth: 4096, maxHeight: 4096, maxPixels: 4_000_000, maxScans: 100)
        do {
            let reader = try ImageReader(bytes: bytes, limits: limits)
            let shrink = reader.header.width > 64 ? 2 : 1
            let raster = try reader.decode(shrink: reader.header.format == .jpeg ? shrink : 1, box: reader.header.format == .jpeg ? 1 : shrink)
            if reader.header.format == .jpeg { _ = try? JPEGWriter.transcode(bytes, options: EncodeOptions(), orientation: nil, limits: limits) }
            if raster.width * raster.height < 20_000 {
                var fast = EncodeOptions()
                fast.pngEffort = .fast
                _ = try JPEGWriter.encode(raster.resized(width: max(1, raster.width / 3), height: max(1, raster.height / 3)), options: fast)
            }
            return true
        } catch {
            return false
        }
    }

    /// WebP (lossy, lossless, alpha), AVIF (written by Drover) and HEIC (heif-enc) seeds from generated images.
    static func modernSeeds() throws -> [[UInt8]] {
        let folder = ImageMaker.Folder()
        let rgb = ImageMaker.pattern(width: 61, height: 37), rgba = ImageMaker.pattern(width: 33, height: 21, channels: 4)
        var lossless = EncodeOptions()
        lossless.lossless = true
        var fast = EncodeOptions()
        fast.speed = 10
        var seeds = [
            try WebPWriter.encode(rgb, options: EncodeOptions()), try WebPWriter.encode(rgba, options: EncodeOptions()),
            try WebPWriter.encode(rgb, options: lossless), try WebPWriter.encode(rgba, options: lossless),
            try AVIFWriter.encode(rgb, options: fast), try AVIFWriter.encode(rgba, options: fast),
            try WebPWriter.encode(rgb, options: EncodeOptions(), orientation: .right),
        ]
        let png = try folder.write("in.png", try Tools.png(rgb))
        try Tools.run(["heif-enc", "-q", "50", png, "-o", folder.path + "/in.heic"])
        seeds.append(try Tools.read(folder.path + "/in.heic"))
        return seeds
    }

    /// The same mutations over WebP, AVIF and HEIC files: `DROVER_FUZZ_MODERN_ITERATIONS` inputs (default 10,000;
    /// libheif and the AV1 and HEVC decoders cost more per input than libjpeg and libpng).
    @Test(.timeLimit(.minutes(20)))
    func mutatedWebPAVIFAndHEICNeverCrashOrHang() throws {
        let iterations = Int(ProcessInfo.processInfo.environment["DROVER_FUZZ_MODERN_ITERATIONS"] ?? "") ?? 10_000
        let seeds = try Self.modernSeeds()
        var generator = Generator(state: 0xA11F)
        var (decoded, slowest) = (0, 0.0)
        let started = Date()
        for iteration in 0..<iterations {
            let input = Self.mutate(seeds[iteration % seeds.count], other: seeds[generator.below(seeds.count)], generator: &generator)
            let before = Date()
            if Self.exercise(input) { decoded += 1 }
            slowest = max(slowest, Date().timeIntervalSince(before))
        }
        let seconds = Date().timeIntervalSince(started)
        print("fuzz (WebP, AVIF, HEIC): \(iterations) mutated inputs from \(seeds.count) seeds in \(String(format: "%.1f", seconds)) s; \(decoded) still decoded; slowest \(String(format: "%.3f", slowest)) s")
        #expect(slowest < 5, "one input took \(slowest) s")
    }

    @Test(.timeLimit(.minutes(20)))
    func mutatedInputsNeverCrashOrHang() throws {
        let iterations = Int(ProcessInfo.processInfo.environment["DROVER_FUZZ_ITERATIONS"] ?? "") ?? 20_000
        let seeds = try Self.seeds()
        var generator = Generator(state: 0x5EED)
        var decoded = 0
        var slowest = 0.0
        let started = Date()
        for iteration in 0..<iterations {
            let seed = seeds[iteration % seeds.count]
            let input = Self.mutate(seed, other: seeds[generator.below(seeds.count)], generator: &generator)
            let before = Date()
            if Self.exercise(input) { decoded += 1 }
            slowest = max(slowest, Date().timeIntervalSince(before))
        }
        let seconds = Date().timeIntervalSince(started)
        print("fuzz: \(iterations) mutated inputs from \(seeds.count) seeds in \(String(format: "%.1f", seconds)) s; \(decoded) still decoded; slowest \(String(format: "%.3f", slowest)) s")
        #expect(slowest < 5, "one input took \(slowest) s")
    }
}
