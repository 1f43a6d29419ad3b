import Foundation
import Testing
@testable import DroverImaging

/// WebP, AVIF and HEIC inputs made by Debian's encoders (cwebp and webpmux, avifenc, heif-enc) and by libheif's own
/// encoder (scripts/heic-oriented.py), from PNGs the tests make: every orientation, alpha, ICC profiles, limits read
/// from the header, and broken files.
///
/// PSNR floors against the source pixels (dB), on a 48 × 32 pattern with hard edges and fine detail (hard for lossy
/// codecs at this size): WebP q90 ≥ 25 (measured 27.1–27.3), AVIF (avifenc defaults) ≥ 25, HEIC (heif-enc q90,
/// libheif q92) ≥ 25 (27.8); a wrong turn of the same pixels gives under 15. Lossless WebP bit-exact.
struct FormatDecodeTests {
    /// The upright picture: 48 × 32, smooth enough for lossy codecs, with a corner marked so every turn shows.
    static let upright: Raster = {
        var raster = ImageMaker.pattern(width: 48, height: 32)
        for y in 0..<8 { for x in 0..<8 { for c in 0..<3 { raster.pixels[(y * 48 + x) * 3 + c] = c == 1 ? 255 : 0 } } }
        return raster
    }()

    /// The pixels a camera stores for `orientation`: turning them by the orientation's upright transform gives
    /// ``upright``.
    static func stored(for orientation: Orientation) -> Raster {
        let inverse = Transform.allCases.first { upright.transformed($0).transformed(orientation.uprightTransform) == upright }!
        return upright.transformed(inverse)
    }

    /// Decodes `bytes` and applies `autoOrient`, as a recipe does.
    static func decodeUpright(_ bytes: [UInt8]) throws -> (header: ImageHeader, raster: Raster) {
        let reader = try ImageReader(bytes: FileBytes(bytes))
        var image = WorkingImage(
            raster: try reader.decode(), logicalWidth: reader.header.width, logicalHeight: reader.header.height,
            orientation: reader.header.orientation)
        image.apply(.autoOrient)
        return (reader.header, image.raster)
    }

    static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return bytes.count >= needle.count && (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }

    /// cwebp writes the pixels as stored; webpmux adds the EXIF orientation; the reader reports it and autoOrient
    /// turns the pixels.
    @Test(arguments: Orientation.allCases)
    func webpInEveryOrientation(_ orientation: Orientation) throws {
        let folder = ImageMaker.Folder()
        let png = try folder.write("in.png", try Tools.png(Self.stored(for: orientation)))
        let exif = try folder.write("exif.bin", Exif.block(orientation: orientation))
        try Tools.run(["cwebp", "-quiet", "-q", "90", png, "-o", folder.path + "/plain.webp"])
        try Tools.run(["webpmux", "-set", "exif", exif, folder.path + "/plain.webp", "-o", folder.path + "/in.webp"])
        let (header, raster) = try Self.decodeUpright(try Tools.read(folder.path + "/in.webp"))
        #expect(header.format == .webp && header.orientation == orientation)
        let psnr = ImageMaker.psnr(raster, Self.upright)
        print("WebP q90, orientation \(orientation.rawValue): \(String(format: "%.1f", psnr)) dB")
        if orientation != .up, !orientation.swapsAxes {
            #expect(ImageMaker.psnr(Self.stored(for: orientation), Self.upright) < 15, "the test tells a wrong turn apart")
        }
        #expect(psnr >= 25, "WebP orientation \(orientation.rawValue): \(psnr) dB")
    }

    /// avifenc turns a PNG's EXIF orientation into irot/imir (and keeps the EXIF); libheif applies them, so the
    /// reader reports the image upright and leaves the EXIF orientation alone.
    @Test(arguments: Orientation.allCases)
    func avifInEveryOrientation(_ orientation: Orientation) throws {
        let folder = ImageMaker.Folder()
        let png = try folder.write("in.png", try Tools.png(Self.stored(for: orientation), orientation: orientation))
        try Tools.run(["avifenc", "-j", "1", png, folder.path + "/in.avif"])
        let avif = try Tools.read(folder.path + "/in.avif")
        #expect(Self.contains(avif, "irot") || Self.contains(avif, "imir") || orientation == .up, "avifenc wrote no irot/imir")
        let (header, raster) = try Self.decodeUpright(avif)
        #expect(header.format == .avif && header.orientation == .up)
        #expect(header.width == 48 && header.height == 32)
        let psnr = ImageMaker.psnr(raster, Self.upright)
        print("AVIF, orientation \(orientation.rawValue) as irot/imir: \(String(format: "%.1f", psnr)) dB")
        #expect(psnr >= 25, "AVIF orientation \(orientation.rawValue): \(psnr) dB")
    }

    /// A HEIC whose irot/imir carry the orientation (as phones write it), made by libheif's encoder.
    @Test(arguments: Orientation.allCases)
    func heicInEveryOrientation(_ orientation: Orientation) throws {
        let folder = ImageMaker.Folder()
        let png = try folder.write("in.png", try Tools.png(Self.stored(for: orientation)))
        try Tools.run(["python3", Tools.scripts + "/heic-oriented.py", png, folder.path + "/in.heic", "\(orientation.rawValue)"])
        let (header, raster) = try Self.decodeUpright(try Tools.read(folder.path + "/in.heic"))
        #expect(header.format == .heic && header.orientation == .up)
        #expect(header.width == 48 && header.height == 32)
        let psnr = ImageMaker.psnr(raster, Self.upright)
        print("HEIC, orientation \(orientation.rawValue) as irot/imir: \(String(format: "%.1f", psnr)) dB")
        #expect(psnr >= 25, "HEIC orientation \(orientation.rawValue): \(psnr) dB")
    }

    /// heif-enc 1.15 copies the EXIF orientation of its input and writes no irot/imir. HEIF readers follow irot/imir
    /// only, so the pixels are shown as stored: the EXIF block is read, its orientation not applied.
    @Test(arguments: Orientation.allCases)
    func heifEncExifOrientationIsNotApplied(_ orientation: Orientation) throws {
        let folder = ImageMaker.Folder()
        let stored = Self.stored(for: orientation)
        let png = try folder.write("in.png", try Tools.png(stored, orientation: orientation))
        try Tools.run(["heif-enc", "-q", "90", png, "-o", folder.path + "/in.heic"])
        let heic = try Tools.read(folder.path + "/in.heic")
        #expect(!Self.contains(heic, "irot") && !Self.contains(heic, "imir"))
        let reader = try ImageReader(bytes: FileBytes(heic))
        #expect(reader.exif.map { $0.withUnsafeBytes { Exif.orientation(in: $0) } } == orientation)
        let (header, raster) = try Self.decodeUpright(heic)
        #expect(header.orientation == .up)
        let psnr = ImageMaker.psnr(raster, stored)
        #expect(psnr >= 25, "heif-enc orientation \(orientation.rawValue): \(psnr) dB")
    }

    /// A WebP with alpha: lossless keeps every sample; lossy keeps the alpha plane exactly (cwebp's default).
    @Test func webpWithAlpha() throws {
        let folder = ImageMaker.Folder()
        let rgba = ImageMaker.pattern(width: 40, height: 24, channels: 4)
        let png = try folder.write("in.png", try Tools.png(rgba))
        try Tools.run(["cwebp", "-quiet", "-lossless", "-exact", png, "-o", folder.path + "/lossless.webp"])
        try Tools.run(["cwebp", "-quiet", "-q", "90", png, "-o", folder.path + "/lossy.webp"])
        let (header, lossless) = try ImageMaker.decode(try Tools.read(folder.path + "/lossless.webp"))
        #expect(header.channels == 4 && header.colorModel == "rgba")
        #expect(lossless == rgba)
        let (_, lossy) = try ImageMaker.decode(try Tools.read(folder.path + "/lossy.webp"))
        #expect(lossy.selecting(channels: [3]) == rgba.selecting(channels: [3]))
        #expect(ImageMaker.psnr(lossy.flattened(), rgba.flattened()) >= 28)
    }

    /// A 10-bit AVIF is decoded to 8 bits; an AVIF with premultiplied alpha (avifenc --premultiply) comes out
    /// straight, as a HEIC with alpha does.
    @Test func avifTenBitAndPremultipliedAlpha() throws {
        let folder = ImageMaker.Folder()
        let rgb = ImageMaker.pattern(width: 48, height: 32)
        let rgba = ImageMaker.pattern(width: 48, height: 32, channels: 4)
        let rgbPNG = try folder.write("rgb.png", try Tools.png(rgb))
        let rgbaPNG = try folder.write("rgba.png", try Tools.png(rgba))
        try Tools.run(["avifenc", "-j", "1", "-d", "10", "-y", "444", "--min", "0", "--max", "0", rgbPNG, folder.path + "/ten.avif"])
        try Tools.run(["avifenc", "-j", "1", "-y", "444", "--min", "0", "--max", "0", "--premultiply", rgbaPNG, folder.path + "/pre.avif"])
        try Tools.run(["heif-enc", "-q", "95", rgbaPNG, "-o", folder.path + "/alpha.heic"])
        let (ten, tenPixels) = try ImageMaker.decode(try Tools.read(folder.path + "/ten.avif"))
        #expect(ten.bitDepth == 10 && tenPixels.depth == 8)
        #expect(ImageMaker.psnr(tenPixels, rgb) >= 40, "10-bit AVIF: \(ImageMaker.psnr(tenPixels, rgb)) dB")
        // Near-lossless (quantizer 0, 4:4:4), compared where the alpha is at least 64: a premultiplied sample under
        // a low alpha has lost precision. Were the colors left premultiplied, they would be off by up to 190.
        let (pre, prePixels) = try ImageMaker.decode(try Tools.read(folder.path + "/pre.avif"))
        #expect(pre.channels == 4)
        var worst = 0
        for at in stride(from: 0, to: rgba.pixels.count, by: 4) where rgba.pixels[at + 3] >= 64 {
            for c in 0..<4 { worst = max(worst, abs(Int(prePixels.pixels[at + c]) - Int(rgba.pixels[at + c]))) }
        }
        #expect(worst <= 8, "premultiplied AVIF: largest difference \(worst)")
        let (heic, heicPixels) = try ImageMaker.decode(try Tools.read(folder.path + "/alpha.heic"))
        #expect(heic.channels == 4 && heic.colorModel == "rgba")
        #expect(ImageMaker.psnr(heicPixels.flattened(), rgba.flattened()) >= 25)
    }

    /// The ICC profile of a PNG carried by each encoder into its file, read back.
    @Test func iccProfileFromEachFormat() throws {
        let folder = ImageMaker.Folder()
        let profile = try Tools.iccProfile(in: folder)
        let png = try folder.write("in.png", try Tools.png(Self.upright, icc: profile))
        try Tools.run(["cwebp", "-quiet", "-metadata", "icc", png, "-o", folder.path + "/icc.webp"])
        try Tools.run(["avifenc", "-j", "1", png, folder.path + "/icc.avif"])
        try Tools.run(["heif-enc", png, "-o", folder.path + "/icc.heic"])
        for name in ["icc.webp", "icc.avif", "icc.heic"] {
            let reader = try ImageReader(bytes: FileBytes(path: folder.path + "/" + name))
            #expect(reader.color.icc == profile, "\(name): \(reader.color.icc?.count ?? 0) bytes")
        }
    }

    /// Dimensions over the limits are refused from the header: the files hold almost no pixel data, so a decode
    /// would fail as corrupt instead.
    @Test func hugeDimensionsAreRefusedFromTheHeader() throws {
        let folder = ImageMaker.Folder()
        let png = try folder.write("in.png", try Tools.png(ImageMaker.pattern(width: 16, height: 16)))
        // WebP lossless: the VP8L header holds width − 1 and height − 1 in 14 bits each; 16384 × 16384 is 268 MP.
        try Tools.run(["cwebp", "-quiet", "-lossless", png, "-o", folder.path + "/in.webp"])
        var webp = try Tools.read(folder.path + "/in.webp")
        let vp8l = (0..<(webp.count - 4)).first { Array(webp[$0..<($0 + 4)]) == Array("VP8L".utf8) }! + 9
        let bits: UInt32 = 0x3FFF | 0x3FFF << 14 | UInt32(webp[vp8l + 3] >> 4) << 28
        webp.replaceSubrange(vp8l..<(vp8l + 4), with: [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)])
        // AVIF and HEIC: every ispe box (the image's size) set to 40,000 × 40,000 (over 30,000 a side: libheif refuses
        // while parsing) or to 20,000 × 20,000 (400 MP: refused by the area check).
        try Tools.run(["avifenc", "-j", "1", png, folder.path + "/in.avif"])
        try Tools.run(["heif-enc", png, "-o", folder.path + "/in.heic"])
        var files: [(String, [UInt8])] = [("webp", webp)]
        for name in ["in.avif", "in.heic"] {
            for side: UInt32 in [40_000, 20_000] {
                var bytes = try Tools.read(folder.path + "/" + name)
                for at in 0..<(bytes.count - 16) where Array(bytes[at..<(at + 4)]) == Array("ispe".utf8) {
                    bytes.replaceSubrange((at + 8)..<(at + 16), with: Tools.bigEndian(side) + Tools.bigEndian(side))
                }
                files.append(("\(name) \(side)", bytes))
            }
        }
        for (name, bytes) in files {
            #expect {
                _ = try ImageReader(bytes: FileBytes(bytes))
            } throws: { error in
                guard case ImageError.limit = error else {
                    Issue.record("\(name): \(error)")
                    return false
                }
                return true
            }
        }
        // A real file over a small limit.
        let limits = ImageLimits(maxWidth: 10, maxHeight: 100, maxPixels: 5000)
        for name in ["in.avif", "in.heic"] {
            #expect(throws: ImageError.self) { _ = try ImageReader(bytes: FileBytes(path: folder.path + "/" + name), limits: limits) }
        }
    }

    /// Truncated and corrupted files of each format are typed errors.
    @Test func brokenFilesAreTypedErrors() throws {
        let folder = ImageMaker.Folder()
        let png = try folder.write("in.png", try Tools.png(ImageMaker.pattern(width: 64, height: 64)))
        try Tools.run(["cwebp", "-quiet", "-q", "80", png, "-o", folder.path + "/a.webp"])
        try Tools.run(["cwebp", "-quiet", "-lossless", png, "-o", folder.path + "/b.webp"])
        try Tools.run(["avifenc", "-j", "1", png, folder.path + "/c.avif"])
        try Tools.run(["heif-enc", png, "-o", folder.path + "/d.heic"])
        for name in ["a.webp", "b.webp", "c.avif", "d.heic"] {
            let file = try Tools.read(folder.path + "/" + name)
            for cut in [4, 12, 20, 40, file.count / 3, file.count / 2, file.count - 20, file.count - 2] {
                #expect(throws: ImageError.self, "\(name) cut at \(cut)") {
                    _ = try ImageReader(bytes: FileBytes(Array(file[0..<cut]))).decode()
                }
            }
        }
    }

    /// A WebP, AVIF or HEIC through a resize recipe: decoded whole, then box-shrunk and resized as a PNG is.
    @Test func boxPreShrinkAppliesToWholeImageDecoders() throws {
        let folder = ImageMaker.Folder()
        let source = ImageMaker.pattern(width: 400, height: 240)
        let png = try folder.write("in.png", try Tools.png(source))
        try Tools.run(["cwebp", "-quiet", "-lossless", png, "-o", folder.path + "/in.webp"])
        let reader = try ImageReader(bytes: FileBytes(path: folder.path + "/in.webp"))
        let boxed = try reader.decode(box: 4)
        #expect(boxed.width == 100 && boxed.height == 60)
        #expect(boxed == BoxShrinker.shrink(source, by: 4))
        var output = OutputSpec(name: "t", steps: [.resize(ResizeSpec(width: 40))], format: .png)
        output.file = try FileTemplate("{name}.{ext}")
        let result = ImageProcessor(recipe: Recipe(outputs: [output])).process(inputPath: folder.path + "/in.webp", relative: "in.webp", outputRoot: folder.path + "/out")
        #expect(result.error == nil && result.outputs.first?.width == 40 && result.outputs.first?.height == 24)
    }

    @Test func formatComesFromTheBrands() {
        func ftyp(_ brands: [String]) -> [UInt8] {
            let major: [UInt8] = Array(brands[0].utf8)
            let compatible: [UInt8] = brands.dropFirst().flatMap { Array($0.utf8) as [UInt8] }
            let body: [UInt8] = major + [0, 0, 0, 0] + compatible
            return Tools.bigEndian(UInt32(body.count + 8)) + Array("ftyp".utf8) + body + Array("\0\0\0\u{8}meta".utf8)
        }
        let cases: [([String], ImageFormat?)] = [
            (["avif", "mif1", "miaf"], .avif), (["heic", "mif1", "heic"], .heic), (["mif1", "avif"], .avif),
            (["mif1", "heic"], .heic), (["msf1", "hevc"], .heic), (["avis", "msf1"], .avif), (["mif1"], .heic), (["isom", "mp41"], nil),
        ]
        for (brands, expected) in cases {
            let bytes = ftyp(brands)
            let sniffed = bytes.withUnsafeBytes { try? ImageFormat.sniff($0).get() }
            #expect(sniffed == expected, "\(brands)")
        }
        let riff = Array("RIFF\0\0\0\0WEBPVP8 ".utf8)
        #expect(riff.withUnsafeBytes { try? ImageFormat.sniff($0).get() } == .webp)
        #expect(throws: ImageError.self) { _ = try ImageReader(bytes: FileBytes(riff)) }
    }
}
