import Foundation
import Testing
@testable import DroverImaging

/// A mutation fuzzer over ICC profiles, which LittleCMS parses from untrusted files: seeds are the profiles the color
/// tests use (matrix/TRC RGB v4, gray, LittleCMS's sRGB, Ghostscript's v2 profiles and its LUT-based SWOP CMYK).
/// Each mutated profile is checked; when accepted, transforms are built for its layouts and run over every byte
/// value; and it is embedded in a JPEG that goes through the whole pipeline. Nothing may crash or hang; a refused
/// profile must be a typed error and the file must still process.
///
/// Runs `DROVER_FUZZ_ITERATIONS / 10` profiles (default 2,000).
struct ColorFuzzTests {
    static func seeds() throws -> [[UInt8]] {
        [
            ColorMaker.displayP3, ColorMaker.proPhoto, ColorMaker.grayProfile(gamma: 2.2), ColorMaker.lcmsSRGB(),
            try ColorMaker.debianProfile("a98.icc"), try ColorMaker.debianProfile("default_gray.icc"),
            try ColorMaker.debianProfile("ps_cmyk.icc"), try ColorMaker.debianProfile("default_cmyk.icc"),
        ]
    }

    /// ICC-aware mutations besides the generic ones: header and tag-table fields set to boundary values, and the
    /// header's length kept true to the bytes so that mutations get past the first check into LittleCMS.
    static func mutate(_ seed: [UInt8], other: [UInt8], generator g: inout FuzzTests.Generator) -> [UInt8] {
        var data = g.below(3) == 0 ? FuzzTests.mutate(seed, other: other, generator: &g) : seed
        guard data.count >= 132 else { return data }
        let tags = min(Int(data[128]) << 24 | Int(data[129]) << 16 | Int(data[130]) << 8 | Int(data[131]), (data.count - 132) / 12)
        for _ in 0...g.below(3) {
            let values: [UInt32] = [0, 1, 2, 3, 4, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, UInt32(data.count), UInt32(data.count - 1)]
            let value = g.below(4) == 0 ? UInt32(truncatingIfNeeded: g.next()) : values[g.below(values.count)]
            // A header field, a tag-table field, or a word inside a tag's data.
            let at: Int
            switch g.below(3) {
            case 0: at = 4 * g.below(32)
            case 1: at = 128 + (tags > 0 ? 4 + 4 * g.below(3 * tags) : 0)
            default: at = 132 + 12 * tags + 4 * g.below(max(1, (data.count - 136 - 12 * tags) / 4))
            }
            guard at + 4 <= data.count else { continue }
            data.replaceSubrange(at..<(at + 4), with: [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)])
        }
        if g.below(4) != 0 {
            let count = UInt32(data.count)
            data.replaceSubrange(0..<4, with: [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)])
        }
        return data
    }

    @Test func mutatedProfilesNeverCrash() throws {
        let seeds = try Self.seeds()
        let iterations = (ProcessInfo.processInfo.environment["DROVER_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 20_000) / 10
        let image = ImageMaker.pattern(width: 24, height: 16)
        let ramp: [UInt8] = (0..<256).flatMap { (v: Int) -> [UInt8] in [UInt8(v), UInt8(255 - v), UInt8(v / 2), UInt8(v ^ 0x5A)] }
        var generator = FuzzTests.Generator(state: 0xC01_0125)
        var (accepted, refused, slowest) = (0, 0, 0.0)
        for iteration in 0..<iterations {
            let seed = seeds[iteration % seeds.count]
            let profile = Self.mutate(seed, other: seeds[generator.below(seeds.count)], generator: &generator)
            let started = Date()
            do throws(ImageError) {
                let checked = try ColorProfile(bytes: profile)
                accepted += 1
                let layouts: [ColorTransform.Layout] =
                    switch checked.space {
                    case .gray: [.gray, .grayAlpha]
                    case .rgb: [.rgb, .rgba]
                    case .cmyk: [.cmyk, .cmykInverted]
                    }
                for layout in layouts {
                    guard let transform = try? checked.transform(layout) else { continue }
                    var output = [UInt8](repeating: 0, count: 256 * transform.outputChannels)
                    let input = (0..<256).flatMap { ramp[($0 * 4)..<($0 * 4 + transform.inputChannels)] }
                    input.withUnsafeBufferPointer { source in
                        output.withUnsafeMutableBufferPointer { target in
                            transform.apply(source.baseAddress!, inputStride: input.count, to: target.baseAddress!, outputStride: target.count, width: 256, rows: 1)
                        }
                    }
                }
            } catch {
                refused += 1
                #expect(!error.description.isEmpty)
            }
            // Every fifth profile also goes through the pipeline in a JPEG: the file must never fail because of it.
            if iteration % 5 == 0 {
                let folder = ImageMaker.Folder()
                let path = try folder.write("in.jpg", try ColorMaker.tagged(image, icc: profile, format: .jpeg))
                var output = OutputSpec(name: "o", steps: [.resize(ResizeSpec(width: 12))], format: .png)
                output.file = try FileTemplate("o.png")
                let result = ImageProcessor(recipe: Recipe(outputs: [output])).process(inputPath: path, relative: "in.jpg", outputRoot: folder.path)
                #expect(result.error == nil, "iteration \(iteration): \(result.error ?? "")")
            }
            slowest = max(slowest, Date().timeIntervalSince(started))
        }
        print("ICC fuzz: \(iterations) profiles, \(accepted) accepted, \(refused) refused with a typed error, slowest \(Int(slowest * 1000)) ms")
        #expect(accepted > 0 && refused > 0)
    }
}
