import Foundation
import Testing
@testable import DroverImaging

/// Lossless outputs decode to exactly the input's pixels and are never larger than the input.
struct EncodeTests {
    static func lossless(_ bytes: [UInt8], options: EncodeOptions = EncodeOptions()) throws -> [UInt8] {
        let folder = ImageMaker.Folder()
        let input = try folder.write("in.img", bytes)
        var output = OutputSpec(name: "o")
        output.lossless = true
        output.encoding = options
        output.file = try FileTemplate("out")
        let result = ImageProcessor(recipe: Recipe(outputs: [output])).process(inputPath: input, relative: "in.img", outputRoot: folder.path)
        #expect(result.error == nil)
        return Array(try Data(contentsOf: URL(fileURLWithPath: folder.path + "/out")))
    }

    @Test func losslessJPEGKeepsEveryPixelAndShrinks() throws {
        let source = ImageMaker.pattern(width: 200, height: 120)
        var baseline = EncodeOptions()
        baseline.progressive = false
        baseline.optimizeCoding = false
        let jpeg = try JPEGWriter.encode(source, options: baseline)
        let optimized = try Self.lossless(jpeg)
        #expect(optimized.count < jpeg.count)
        #expect(try ImageMaker.decode(optimized).0.progressive)
        #expect(try ImageMaker.decode(optimized).1 == ImageMaker.decode(jpeg).1)
    }

    @Test func losslessOutputIsNeverLarger() throws {
        // Already optimal: a progressive, optimized JPEG; and a PNG written at the best settings.
        let jpeg = try JPEGWriter.encode(ImageMaker.pattern(width: 64, height: 64), options: EncodeOptions())
        let again = try Self.lossless(jpeg)
        #expect(again.count <= jpeg.count)
        let png = try PNGWriter.encode(ImageMaker.pattern(width: 64, height: 64), options: EncodeOptions())
        let pngAgain = try Self.lossless(png)
        #expect(pngAgain.count <= png.count)
        #expect(try ImageMaker.decode(pngAgain).1 == ImageMaker.decode(png).1)
    }

    @Test func losslessJPEGKeepsICCAndOrientationOnlyWhenAsked() throws {
        var baseline = EncodeOptions()
        baseline.progressive = false
        baseline.optimizeCoding = false
        let jpeg = try JPEGWriter.encode(ImageMaker.pattern(width: 200, height: 120), options: baseline, orientation: .right)
        #expect(try ImageMaker.decode(try Self.lossless(jpeg)).0.orientation == .up)
        var keep = EncodeOptions()
        keep.keepOrientation = true
        #expect(try ImageMaker.decode(try Self.lossless(jpeg, options: keep)).0.orientation == .right)
    }

    @Test func losslessPNGDropsTextChunksAndJoinsImageData() throws {
        let png = try PNGWriter.encode(ImageMaker.pattern(width: 50, height: 40), options: EncodeOptions())
        var body = Array("Comment\0".utf8) + [UInt8](repeating: 65, count: 500)
        var chunk = [UInt8(0), 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + Array("tEXt".utf8) + body
        let crc = CRC32.of(Array("tEXt".utf8) + body)
        chunk += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        body = png
        body.insert(contentsOf: chunk, at: png.count - 12)
        let file = FileBytes(body)
        let stripped = try #require(withExtendedLifetime(file) { PNGChunks.stripped(file.buffer, keepICC: false) })
        #expect(stripped.count == png.count || stripped.count < body.count)
        #expect(!String(decoding: stripped, as: UTF8.self).contains("tEXt"))
        #expect(try ImageMaker.decode(stripped).1 == ImageMaker.decode(png).1)
        let optimized = try Self.lossless(body)
        #expect(optimized.count < body.count && !String(decoding: optimized, as: UTF8.self).contains("Comment"))
    }

    /// Each reduction is lossless: decoding the written PNG gives the same pixels.
    @Test func pngReductionsAreLossless() throws {
        let w = 40, h = 30
        var cases: [(String, Raster, Int32)] = []
        // Few colors with alpha → palette with tRNS.
        var few = [UInt8]()
        for i in 0..<(w * h) { few += [UInt8(i % 5 * 50), 10, 20, i % 3 == 0 ? 0 : 255] }
        cases.append(("palette", Raster(width: w, height: h, channels: 4, pixels: few), 3))
        // RGB where R = G = B → gray.
        let gray = ImageMaker.pattern(width: w, height: h, channels: 1).pixels.flatMap { [$0, $0, $0] }
        cases.append(("gray", Raster(width: w, height: h, channels: 3, pixels: gray), 0))
        // Opaque RGBA → RGB (many colors).
        let rgb = ImageMaker.pattern(width: w, height: h).pixels
        var rgba = [UInt8]()
        for i in 0..<(w * h) { rgba += rgb[(i * 3)..<(i * 3 + 3)] + [255] }
        cases.append(("opaque", Raster(width: w, height: h, channels: 4, pixels: rgba), 2))
        // 16-bit samples that are all v × 257 → 8-bit.
        let wide = rgb.flatMap { [$0, $0] }
        cases.append(("16to8", Raster(width: w, height: h, channels: 3, depth: 16, pixels: wide), 2))
        for (name, raster, colorType) in cases {
            let png = try PNGWriter.encode(raster, options: EncodeOptions())
            #expect(png[25] == UInt8(colorType), "\(name): color type \(png[25])")
            let decoded = try ImageMaker.decode(png, keep16: true).1
            let expected = raster.depth == 16 ? raster.to8Bit() : raster
            let widened = decoded.channels == expected.channels ? decoded : Self.expand(decoded, to: expected.channels)
            #expect(widened == expected, "\(name)")
        }
        // Real 16-bit data stays 16-bit unless reduce16 is asked for.
        let deep = Raster(width: 2, height: 1, channels: 1, depth: 16, pixels: [0x12, 0x34, 0xAB, 0xCD])
        #expect(try ImageMaker.decode(PNGWriter.encode(deep, options: EncodeOptions()), keep16: true).1 == deep)
        var reduce = EncodeOptions()
        reduce.reduce16 = true
        #expect(try PNGWriter.encode(deep, options: reduce)[24] < 16)
    }

    static func expand(_ raster: Raster, to channels: Int) -> Raster {
        var out = [UInt8]()
        for i in 0..<(raster.width * raster.height) {
            let p = Array(raster.pixels[(i * raster.channels)..<((i + 1) * raster.channels)])
            switch (raster.channels, channels) {
            case (1, 3): out += [p[0], p[0], p[0]]
            case (3, 4): out += p + [255]
            case (1, 4): out += [p[0], p[0], p[0], 255]
            default: out += p
            }
        }
        return Raster(width: raster.width, height: raster.height, channels: channels, pixels: out)
    }

    @Test func jpegOptions() throws {
        let source = ImageMaker.pattern(width: 64, height: 64)
        var options = EncodeOptions()
        options.quality = 40
        let small = try JPEGWriter.encode(source, options: options)
        options.quality = 95
        let large = try JPEGWriter.encode(source, options: options)
        #expect(small.count < large.count)
        options.subsampling = .s444
        let full = try JPEGWriter.encode(source, options: options)
        #expect(full.count > large.count)
        // Alpha is flattened onto white.
        let transparent = Raster(width: 8, height: 8, channels: 4, pixels: [UInt8](repeating: 0, count: 256))
        let flat = try ImageMaker.decode(try JPEGWriter.encode(transparent, options: options)).1
        #expect(flat.channels == 3 && flat.pixels.allSatisfy { $0 > 250 })
    }
}
