import Foundation
import Synchronization
import Testing
@testable import DroverImaging

/// What color management does with each kind of profile and output: conversions, sRGB inputs untouched, `keepICC`,
/// tags written, lossless rewrites, mismatched and corrupt profiles, gray, alpha and 16-bit pixels, the cache.
struct ColorTests {
    /// Processes `input` with `outputs`, returning each output's bytes by name.
    static func run(_ input: [UInt8], outputs: [OutputSpec], steps: [Step] = []) throws -> [String: [UInt8]] {
        let folder = ImageMaker.Folder()
        let path = try folder.write("in.img", input)
        let result = ImageProcessor(recipe: Recipe(steps: steps, outputs: outputs)).process(inputPath: path, relative: "in.img", outputRoot: folder.path)
        guard result.error == nil else { throw ReferenceTests.TestFailure(result.error!) }
        var files: [String: [UInt8]] = [:]
        for output in result.outputs { files[output.name] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + output.path))) }
        return files
    }

    static func output(_ name: String, _ format: ImageFormat, keepICC: Bool = false, lossless: Bool = false, steps: [Step] = []) -> OutputSpec {
        var spec = OutputSpec(name: name, steps: steps, format: lossless ? nil : format)
        spec.file = try! FileTemplate("{name}-\(name).\(format == .jpeg ? "jpg" : "png")")
        spec.encoding.keepICC = keepICC
        spec.encoding.pngEffort = .fast
        spec.encoding.quality = 95
        spec.lossless = lossless
        return spec
    }

    static func decode(_ bytes: [UInt8]) throws -> (ColorMetadata, Raster) {
        let reader = try ImageReader(bytes: FileBytes(bytes))
        return (reader.color, try reader.decode())
    }

    /// The types of a PNG's chunks, in order.
    static func chunks(_ png: [UInt8]) -> [String] {
        var types: [String] = []
        var at = 8
        while at + 8 <= png.count {
            let length = Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3])
            types.append(String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self))
            at += 12 + length
        }
        return types
    }

    static let image = ImageMaker.pattern(width: 96, height: 64)

    @Test func conversionAloneMatchesPillow() throws {
        // The same decoded pixels converted by Drover and by Pillow: only the LittleCMS versions (2.14, Pillow's 2.19)
        // and rounding can differ.
        let folder = ImageMaker.Folder()
        let photo = try ColorMaker.saturated(width: 640, height: 400)
        for (name, icc) in [("Display P3", ColorMaker.displayP3), ("Adobe RGB", ColorMaker.adobeRGB), ("ProPhoto", ColorMaker.proPhoto)] {
            let path = try folder.write("\(name).png", try ColorMaker.tagged(photo, icc: icc, format: .png))
            let reference = try ColorReferenceTests.pillow(path, width: 640, height: 400, folder: folder)
            let reader = try ImageReader(bytes: FileBytes(path: path))
            let ours = reader.colorManagement.converted(try reader.decode())
            let difference = ColorMaker.deltaE(ours, reference)
            let levels = zip(ours.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
            print(String(format: "conversion alone vs Pillow, %@: mean ΔE00 %.4f, max %.3f, max %d level(s)", name, difference.mean, difference.max, levels))
            #expect(difference.mean < 0.05 && levels <= 2, "\(name)")
        }
    }

    @Test func sRGBProfilesChangeNothing() throws {
        let profiles = [ColorMaker.lcmsSRGB(), try ColorMaker.debianProfile("srgb.icc"), try ColorMaker.debianProfile("default_rgb.icc")]
        let untagged = try Self.run(try ColorMaker.tagged(Self.image, icc: nil, format: .jpeg), outputs: [Self.output("o", .png)])["o"]!
        for icc in profiles {
            let profile = try ColorProfile(bytes: icc)
            #expect(profile.isSRGB, "\(profile.name)")
            let reader = try ImageReader(bytes: FileBytes(try ColorMaker.tagged(Self.image, icc: icc, format: .jpeg)))
            #expect(reader.colorManagement.verdict == .sRGB)
            let written = try Self.run(try ColorMaker.tagged(Self.image, icc: icc, format: .jpeg), outputs: [Self.output("o", .png)])["o"]!
            #expect(try Self.decode(written).1 == Self.decode(untagged).1, "\(profile.name): pixels changed")
        }
        for icc in [ColorMaker.displayP3, ColorMaker.adobeRGB, ColorMaker.proPhoto, ColorMaker.grayProfile(gamma: 1.8)] {
            #expect(try !ColorProfile(bytes: icc).isSRGB)
        }
    }

    /// The sRGB profiles real files carry (in the wallpapers: HP's "sRGB IEC61966-2.1" v2 with 1024-entry curves, a
    /// v2.3 "sRGB", LittleCMS's built-in one and a compact v4 one) are recognized, so they cost one check per process.
    @Test func realSRGBProfilesAreRecognized() throws {
        let folder = ReferenceTests.root.appendingPathComponent("test-images/wallpapers").path
        var names: [String] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
            let reader = try ImageReader(bytes: FileBytes(path: folder + "/" + name))
            guard reader.color.icc != nil else { continue }
            names.append(name)
            #expect(reader.colorManagement.verdict == .sRGB, "\(name): \(reader.colorManagement.profile?.name ?? "")")
        }
        #expect(names.count >= 5, "wallpapers with a profile: \(names) (scripts/fetch-test-images)")
    }

    @Test func keepICCKeepsPixelsAndProfile() throws {
        let png = try ColorMaker.tagged(Self.image, icc: ColorMaker.displayP3, format: .png)
        let jpeg = try ColorMaker.tagged(Self.image, icc: ColorMaker.displayP3, format: .jpeg)
        let fromPNG = try Self.run(png, outputs: [Self.output("kept", .png, keepICC: true)])["kept"]!
        let (color, pixels) = try Self.decode(fromPNG)
        #expect(pixels == Self.image)
        #expect(color.icc == ColorMaker.displayP3)
        // JPEG output: the profile's bytes, and the pixels of the same file without a profile (nothing converted).
        let fromJPEG = try Self.run(jpeg, outputs: [Self.output("kept", .jpeg, keepICC: true)])["kept"]!
        let plain = try Self.run(try ColorMaker.tagged(Self.image, icc: nil, format: .jpeg), outputs: [Self.output("kept", .jpeg)])["kept"]!
        #expect(try Self.decode(fromJPEG).0.icc == ColorMaker.displayP3)
        #expect(try Self.decode(fromJPEG).1 == Self.decode(plain).1)
    }

    @Test func outputsThatKeepAndOutputsThatConvertShareOneDecode() throws {
        let input = try ColorMaker.tagged(Self.image, icc: ColorMaker.adobeRGB, format: .png)
        let resize: [Step] = [.resize(ResizeSpec(width: 48))]
        let both = try Self.run(input, outputs: [Self.output("kept", .png, keepICC: true, steps: resize), Self.output("converted", .png, steps: resize)])
        let kept = try Self.run(input, outputs: [Self.output("kept", .png, keepICC: true, steps: resize)])["kept"]!
        let converted = try Self.run(input, outputs: [Self.output("converted", .png, steps: resize)])["converted"]!
        #expect(both["kept"] == kept)
        #expect(both["converted"] == converted)
        #expect(try Self.decode(kept).1 != Self.decode(converted).1)
    }

    @Test func convertedOutputsSaySRGB() throws {
        let input = try ColorMaker.tagged(Self.image, icc: ColorMaker.displayP3, format: .jpeg)
        let files = try Self.run(input, outputs: [Self.output("png", .png), Self.output("jpeg", .jpeg)])
        #expect(Self.chunks(files["png"]!).contains("sRGB"))
        #expect(!Self.chunks(files["png"]!).contains("iCCP"))
        #expect(try Self.decode(files["jpeg"]!).0.icc == nil)
        // An untagged input stays untagged.
        let plain = try Self.run(try ColorMaker.tagged(Self.image, icc: nil, format: .jpeg), outputs: [Self.output("png", .png)])
        #expect(!Self.chunks(plain["png"]!).contains("sRGB"))
    }

    @Test func losslessRewritesKeepAProfileTheColorsNeed() throws {
        for format in [ImageFormat.jpeg, .png] {
            var baseline = EncodeOptions()
            baseline.progressive = false
            baseline.optimizeCoding = false
            baseline.pngEffort = .fast
            baseline.keepICC = true
            let p3 = format == .jpeg
                ? try JPEGWriter.encode(Self.image, options: baseline, color: ColorMetadata(icc: ColorMaker.displayP3))
                : try PNGWriter.encode(Self.image, options: baseline, color: ColorMetadata(icc: ColorMaker.displayP3))
            let rewritten = try Self.run(p3, outputs: [Self.output("o", format, lossless: true)])["o"]!
            #expect(try Self.decode(rewritten).0.icc == ColorMaker.displayP3, "\(format): a P3 profile is kept")
            #expect(try Self.decode(rewritten).1 == Self.decode(p3).1)
            let srgb = ColorMaker.lcmsSRGB()
            let tagged = format == .jpeg
                ? try JPEGWriter.encode(Self.image, options: baseline, color: ColorMetadata(icc: srgb))
                : try PNGWriter.encode(Self.image, options: baseline, color: ColorMetadata(icc: srgb))
            #expect(try Self.decode(try Self.run(tagged, outputs: [Self.output("o", format, lossless: true)])["o"]!).0.icc == nil,
                    "\(format): an sRGB profile is dropped")
            #expect(try Self.decode(try Self.run(tagged, outputs: [Self.output("o", format, keepICC: true, lossless: true)])["o"]!).0.icc == srgb,
                    "\(format): kept when asked")
        }
    }

    @Test func mismatchedAndCorruptProfilesAreIgnored() throws {
        let gray = ImageMaker.pattern(width: 40, height: 30, channels: 1)
        var truncated = ColorMaker.displayP3
        truncated.removeLast(truncated.count - 200)
        var hugeTagCount = ColorMaker.displayP3
        hugeTagCount.replaceSubrange(128..<132, with: [0xFF, 0xFF, 0xFF, 0xFF])
        var tagOutside = ColorMaker.displayP3
        tagOutside.replaceSubrange(136..<140, with: [0x7F, 0xFF, 0xFF, 0x00])
        let garbage = (0..<600).map { UInt8(($0 * 73 + 11) % 256) }
        let cases: [(String, Raster, [UInt8])] = [
            ("CMYK profile on RGB", Self.image, try ColorMaker.debianProfile("default_cmyk.icc")),
            ("RGB profile on gray", gray, ColorMaker.displayP3),
            ("gray profile on RGB", Self.image, ColorMaker.grayProfile(gamma: 1.0)),
            ("Lab profile", Self.image, try ColorMaker.debianProfile("lab.icc")),
            ("truncated", Self.image, truncated),
            ("tag count 2^32-1", Self.image, hugeTagCount),
            ("tag outside the profile", Self.image, tagOutside),
            ("not a profile", Self.image, garbage),
        ]
        for (name, raster, icc) in cases {
            for format in [ImageFormat.jpeg, .png] {
                let plainInput = try ColorMaker.tagged(raster, icc: nil, format: format)
                // PNG: the chunk is written by hand, since libpng's writer refuses such profiles.
                let input = format == .png ? ColorMaker.withICCChunk(plainInput, icc: icc) : try ColorMaker.tagged(raster, icc: icc, format: format)
                let reader = try ImageReader(bytes: FileBytes(input))
                // libpng's reader drops some profiles itself (a CMYK or mismatched one, a bad header): untagged then.
                if format == .png && reader.color.icc == nil {
                    #expect(reader.colorManagement.verdict == .untagged)
                } else if case .ignored(let reason) = reader.colorManagement.verdict {
                    #expect(!reason.isEmpty)
                } else {
                    Issue.record("\(name), \(format): \(reader.colorManagement.verdict)")
                }
                let outputs = [Self.output("o", .png), Self.output("kept", .png, keepICC: true), Self.output("j", .jpeg, keepICC: true)]
                let files = try Self.run(input, outputs: outputs)
                let plain = try Self.run(plainInput, outputs: outputs)
                #expect(try Self.decode(files["o"]!).1 == Self.decode(plain["o"]!).1, "\(name), \(format): pixels kept")
                #expect(try Self.decode(files["kept"]!).0.icc == nil, "\(name), \(format): a profile that does not fit is not written")
                #expect(try Self.decode(files["j"]!).0.icc == nil)
            }
        }
        #expect(throws: ImageError.self) { try ColorProfile(bytes: truncated) }
        #expect(throws: ImageError.self) { try ColorProfile(bytes: garbage) }
    }

    @Test func grayStaysGray() throws {
        // Linear gray (gamma 1): 50 % gray is sRGB level 188.
        let flat = Raster(width: 8, height: 8, channels: 1, pixels: [UInt8](repeating: 128, count: 64))
        let output = try Self.run(try ColorMaker.tagged(flat, icc: ColorMaker.grayProfile(gamma: 1.0), format: .png), outputs: [Self.output("o", .png)])["o"]!
        #expect(try Self.decode(output).1.pixels.allSatisfy { abs(Int($0) - 188) <= 1 })
        let reader = try ImageReader(bytes: FileBytes(try ColorMaker.tagged(flat, icc: ColorMaker.grayProfile(gamma: 1.0), format: .png)))
        let converted = reader.colorManagement.converted(try reader.decode())
        #expect(converted.channels == 1)
        #expect(converted.pixels.allSatisfy { abs(Int($0) - 188) <= 1 })
        // Ghostscript's sGray (a 1024-entry sRGB curve) changes nothing; its "sgray.icc" is gamma 1.8.
        #expect(try ColorProfile(bytes: try ColorMaker.debianProfile("default_gray.icc")).isSRGB)
        #expect(try !ColorProfile(bytes: try ColorMaker.debianProfile("sgray.icc")).isSRGB)
    }

    @Test func alphaIsCarriedUnchanged() throws {
        let rgba = ImageMaker.pattern(width: 64, height: 40, channels: 4)
        let output = try Self.run(try ColorMaker.tagged(rgba, icc: ColorMaker.displayP3, format: .png), outputs: [Self.output("o", .png)])["o"]!
        let converted = try Self.decode(output).1
        let rgb = Raster(width: 64, height: 40, channels: 3, pixels: (0..<(64 * 40)).flatMap { rgba.pixels[($0 * 4)..<($0 * 4 + 3)] })
        let convertedRGB = try ColorManagement(icc: ColorMaker.displayP3, header: ImageReader(bytes: FileBytes(try ColorMaker.tagged(rgb, icc: ColorMaker.displayP3, format: .png))).header).converted(rgb)
        for index in 0..<(64 * 40) {
            #expect(converted.pixels[index * 4 + 3] == rgba.pixels[index * 4 + 3])
            #expect(Array(converted.pixels[(index * 4)..<(index * 4 + 3)]) == Array(convertedRGB.pixels[(index * 3)..<(index * 3 + 3)]))
        }
    }

    @Test func sixteenBitPNGIsConvertedAfterReducingToEightBits() throws {
        let wide = Self.image.pixels.flatMap { [$0, $0] }  // v × 257: exactly the 8-bit image
        let png16 = try ImageMaker.png(rows: wide, width: Self.image.width, height: Self.image.height, colorType: 2, bitDepth: 16)
        let tagged16 = try Self.retagged(png16, icc: ColorMaker.proPhoto)
        let eight = try Self.run(try ColorMaker.tagged(Self.image, icc: ColorMaker.proPhoto, format: .png), outputs: [Self.output("o", .png)])["o"]!
        let sixteen = try Self.run(tagged16, outputs: [Self.output("o", .png)])["o"]!
        #expect(try Self.decode(sixteen).1 == Self.decode(eight).1)
    }

    /// `png` with an iCCP chunk for `icc` (decoded at 16 bits and written back with the profile).
    static func retagged(_ png: [UInt8], icc: [UInt8]) throws -> [UInt8] {
        let raster = try ImageReader(bytes: FileBytes(png)).decode(keep16: true)
        var options = EncodeOptions()
        options.keepICC = true
        options.pngEffort = .fast
        return try PNGWriter.encode(raster, options: options, color: ColorMetadata(icc: icc))
    }

    @Test func cmykWithoutProfileKeepsTheNaiveConversion() throws {
        let photo = try ColorMaker.saturated(width: 64, height: 40)
        let plain = try ImageReader(bytes: FileBytes(try ColorMaker.cmykJPEG(photo, icc: nil)))
        #expect(plain.colorManagement.verdict == .untagged)
        let naive = try plain.decode()
        let profiled = try ImageReader(bytes: FileBytes(try ColorMaker.cmykJPEG(photo, icc: try ColorMaker.debianProfile("default_cmyk.icc"))))
        #expect(profiled.colorManagement.verdict == .decodedToSRGB)
        let converted = try profiled.decode()
        #expect(converted.channels == 3 && naive.channels == 3)
        #expect(converted != naive)
        // Shrunk on load, the profile is applied before the box shrink.
        let shrunk = try ImageReader(bytes: FileBytes(try ColorMaker.cmykJPEG(photo, icc: try ColorMaker.debianProfile("default_cmyk.icc")))).decode(box: 4)
        #expect(ImageMaker.psnr(shrunk, BoxShrinker.shrink(converted, by: 4)) > 40)
    }

    @Test func cacheIsBoundedAndShared() throws {
        let cache = ColorProfileCache(capacity: 3)
        let profiles = (0..<5).map { ColorMaker.grayProfile(gamma: 1.0 + Double($0) / 10) }
        for icc in profiles { _ = cache.profile(for: icc) }
        #expect(cache.count == 3)
        let one = try cache.profile(for: profiles[4]).get()
        let again = try cache.profile(for: Array(profiles[4])).get()
        #expect(one === again)
        if case .success = cache.profile(for: [1, 2, 3]) { Issue.record("garbage accepted") }
        #expect(cache.count == 3)
    }

    @Test func conversionFromManyThreadsIsTheSame() throws {
        let photo = try ColorMaker.saturated(width: 320, height: 200)
        let header = try ImageReader(bytes: FileBytes(try ColorMaker.tagged(photo, icc: ColorMaker.adobeRGB, format: .png))).header
        let expected = ColorManagement(icc: ColorMaker.adobeRGB, header: header).converted(photo)
        let results = Mutex<[Raster]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let converted = ColorManagement(icc: ColorMaker.adobeRGB, header: header).converted(photo)
            results.withLock { $0.append(converted) }
        }
        #expect(results.withLock { $0.count } == 16)
        #expect(results.withLock { $0.allSatisfy { $0 == expected } })
    }
}
