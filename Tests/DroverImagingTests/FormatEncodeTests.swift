import Foundation
import Testing
@testable import DroverImaging

/// WebP and AVIF outputs, decoded by Pillow (its own libwebp and libavif) and compared with the source, a real
/// photograph (a wallpaper at 1/4 size, about 640 × 400) or a generated RGBA pattern.
///
/// PSNR floors (dB; measured in brackets, values printed): WebP q80 ≥ 32 (34.0), q50 ≥ 30 (32.3); lossless WebP
/// bit-exact, alpha and colors under transparent pixels included; lossy WebP q90 with alpha: the alpha plane exact,
/// the picture flattened onto white ≥ 32 (35.3); AVIF q60 speed 6 ≥ 32 (36.3), q90 ≥ 35 (43.3; both
/// 4:4:4); AVIF q80 with alpha: alpha plane ≥ 40 (47.4), flattened ≥ 32 (46.9); gray AVIF q60 (4:0:0) ≥ 35 (39.2).
struct FormatEncodeTests {
    static func options(_ body: (inout EncodeOptions) -> Void) -> EncodeOptions {
        var options = EncodeOptions()
        body(&options)
        return options
    }

    static func report(_ name: String, _ psnr: Double, bytes: Int, floor: Double) {
        print("\(name): \(bytes) bytes, PSNR \(String(format: "%.1f", psnr)) dB against the source (floor \(floor))")
        #expect(psnr >= floor, "\(name): \(psnr) dB")
    }

    @Test func lossyWebPMatchesTheSource() throws {
        let photo = try ReferenceTests.photo()
        let folder = ImageMaker.Folder()
        var sizes: [Int] = []
        for (quality, floor) in [(80, 32.0), (50, 30.0)] {
            let webp = try ImageEncoder.encode(raster: photo, format: .webp, options: Self.options { $0.quality = quality })
            let decoded = try Tools.pillowDecode(webp, name: "q\(quality).webp", in: folder)
            #expect(decoded.channels == 3)
            Self.report("WebP q\(quality)", ImageMaker.psnr(decoded, photo), bytes: webp.count, floor: floor)
            sizes.append(webp.count)
        }
        #expect(sizes[1] < sizes[0])
        // The default quality is 80.
        #expect(try ImageEncoder.encode(raster: photo, format: .webp, options: EncodeOptions()).count == sizes[0])
    }

    @Test func losslessWebPIsBitExact() throws {
        let folder = ImageMaker.Folder()
        var rgba = ImageMaker.pattern(width: 61, height: 37, channels: 4)
        for index in stride(from: 3, to: rgba.pixels.count, by: 40) { rgba.pixels[index] = 0 }  // transparent pixels keep their color
        let photo = try ReferenceTests.photo()
        for (name, raster) in [("photo", photo), ("rgba", rgba)] {
            let webp = try ImageEncoder.encode(raster: raster, format: .webp, options: Self.options { $0.lossless = true })
            let decoded = try Tools.pillowDecode(webp, name: "\(name).webp", in: folder)
            #expect(decoded == raster, "\(name): lossless WebP differs from the source")
            #expect(try ImageMaker.decode(webp).1 == raster)
        }
    }

    @Test func lossyWebPKeepsAlpha() throws {
        let folder = ImageMaker.Folder()
        let rgba = ImageMaker.pattern(width: 120, height: 80, channels: 4)
        let webp = try ImageEncoder.encode(raster: rgba, format: .webp, options: Self.options { $0.quality = 90 })
        let decoded = try Tools.pillowDecode(webp, name: "alpha.webp", in: folder)
        #expect(decoded.channels == 4)
        #expect(decoded.selecting(channels: [3]) == rgba.selecting(channels: [3]), "the alpha plane is kept exactly")
        Self.report("WebP q90 RGBA, flattened", ImageMaker.psnr(decoded.flattened(), rgba.flattened()), bytes: webp.count, floor: 32)
    }

    @Test func avifMatchesTheSource() throws {
        let photo = try ReferenceTests.photo()
        let folder = ImageMaker.Folder()
        var sizes: [Int] = []
        for (quality, floor) in [(60, 32.0), (90, 35.0)] {
            let avif = try ImageEncoder.encode(raster: photo, format: .avif, options: Self.options { $0.quality = quality; $0.speed = 6 })
            let decoded = try Tools.pillowDecode(avif, name: "q\(quality).avif", in: folder)
            Self.report("AVIF q\(quality) speed 6", ImageMaker.psnr(decoded, photo), bytes: avif.count, floor: floor)
            sizes.append(avif.count)
        }
        #expect(sizes[0] < sizes[1])
        #expect(AVIFWriter.quantizer(quality: 100) == 0 && AVIFWriter.quantizer(quality: 60) == 25 && AVIFWriter.quantizer(quality: 1) == 62)
        // Faster speeds make different (here: larger or equal) files; both decode.
        let fast = try ImageEncoder.encode(raster: photo, format: .avif, options: Self.options { $0.quality = 60; $0.speed = 10 })
        #expect(ImageMaker.psnr(try Tools.pillowDecode(fast, name: "fast.avif", in: folder), photo) >= 30)
    }

    @Test func avifKeepsAlphaAndGray() throws {
        let folder = ImageMaker.Folder()
        let rgba = ImageMaker.pattern(width: 120, height: 80, channels: 4)
        let avif = try ImageEncoder.encode(raster: rgba, format: .avif, options: Self.options { $0.quality = 80 })
        let decoded = try Tools.pillowDecode(avif, name: "alpha.avif", in: folder)
        #expect(decoded.channels == 4)
        Self.report("AVIF q80 alpha plane", ImageMaker.psnr(decoded.selecting(channels: [3]), rgba.selecting(channels: [3])), bytes: avif.count, floor: 40)
        Self.report("AVIF q80 RGBA, flattened", ImageMaker.psnr(decoded.flattened(), rgba.flattened()), bytes: avif.count, floor: 32)
        // An opaque alpha channel is left out.
        let opaque = try ImageEncoder.encode(raster: ImageMaker.pattern(width: 40, height: 30, channels: 4).withOpaqueAlpha(), format: .avif, options: EncodeOptions())
        #expect(try ImageMaker.decode(opaque).0.channels == 3)
        let photo = try ReferenceTests.photo()
        let gray = photo.grayscale()
        let grayAVIF = try ImageEncoder.encode(raster: gray, format: .avif, options: Self.options { $0.quality = 60 })
        let grayDecoded = try Tools.pillowDecode(grayAVIF, name: "gray.avif", in: folder)
        Self.report("AVIF q60 gray (4:0:0)", ImageMaker.psnr(grayDecoded, gray.selecting(channels: [0, 0, 0])), bytes: grayAVIF.count, floor: 35)
    }

    /// The ICC profile is written only when kept; the orientation, when asked, as EXIF (and in AVIF as irot/imir,
    /// which the reader applies).
    @Test func iccAndOrientationOnlyWhenAsked() throws {
        let folder = ImageMaker.Folder()
        let profile = try Tools.iccProfile(in: folder)
        let raster = ImageMaker.pattern(width: 40, height: 24)
        let color = ColorMetadata(icc: profile)
        for format in [ImageFormat.webp, .avif] {
            let dropped = try ImageEncoder.encode(raster: raster, format: format, options: EncodeOptions(), color: color)
            #expect(try ImageReader(bytes: FileBytes(dropped)).color.icc == nil)
            let kept = try ImageEncoder.encode(raster: raster, format: format, options: Self.options { $0.keepICC = true }, color: color)
            #expect(try ImageReader(bytes: FileBytes(kept)).color.icc == profile, "\(format)")
            let turned = try ImageEncoder.encode(raster: raster, format: format, options: EncodeOptions(), orientation: .right)
            let header = try ImageReader(bytes: FileBytes(turned)).header
            if format == .webp {
                #expect(header.orientation == .right && header.width == 40)
            } else {
                #expect(header.orientation == .up && header.width == 24 && header.height == 40)
            }
        }
        #expect(throws: ImageError.self) { _ = try ImageEncoder.encode(raster: raster, format: .heic, options: EncodeOptions()) }
    }
}

extension Raster {
    /// The raster with its last channel set to 255 everywhere.
    func withOpaqueAlpha() -> Raster {
        var copy = self
        for index in stride(from: channels - 1, to: pixels.count, by: channels) { copy.pixels[index] = 255 }
        return copy
    }
}
