import Foundation
import Testing
@testable import DroverImaging

/// Decoding every PNG color type and bit depth, JPEG color spaces, EXIF orientations, and refusing bad files.
struct DecodeTests {
    static let (width, height) = (13, 7)

    static func sample(_ x: Int, _ y: Int, _ c: Int, levels: Int) -> Int { (x * 31 + y * 17 + c * 71) % levels }

    struct PNGCase: CustomTestStringConvertible, Sendable {
        var colorType: Int32
        var depth: Int32
        var interlace: Bool
        var testDescription: String { "type \(colorType) depth \(depth)\(interlace ? " interlaced" : "")" }
    }

    static let pngCases: [PNGCase] = [(Int32(0), [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16])]
        .flatMap { type, depths in depths.flatMap { depth in [false, true].map { PNGCase(colorType: type, depth: Int32(depth), interlace: $0) } } }

    @Test(arguments: pngCases)
    func everyPNGColorTypeAndBitDepth(_ testCase: PNGCase) throws {
        let (w, h) = (Self.width, Self.height)
        let samples = [1, 0, 3, 1, 2, 0, 4][Int(testCase.colorType)]
        let depth = Int(testCase.depth)
        let levels: Int
        if testCase.colorType == 3 {
            levels = 1 << min(depth, 4)
        } else {
            levels = depth == 16 ? 256 : 1 << depth
        }
        var rows: [UInt8] = []
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<samples {
                    let value = Self.sample(x, y, c, levels: levels)
                    // 16-bit samples are v × 257, which scale back to exactly v.
                    rows += testCase.depth == 16 ? [UInt8(value), UInt8(value)] : [UInt8(value)]
                }
            }
        }
        var palette: [UInt8] = []
        for index in 0..<levels {
            palette += [UInt8(index * 10 % 256), UInt8(255 - index * 7 % 256), UInt8(index * 3 % 256)]
        }
        let trns: [UInt8] = testCase.colorType == 3 ? [0, 128] : []
        let png = try ImageMaker.png(
            rows: rows, width: w, height: h, colorType: testCase.colorType, bitDepth: testCase.depth,
            palette: testCase.colorType == 3 ? palette : [], trns: trns, interlace: testCase.interlace)
        let (header, raster) = try ImageMaker.decode(png)
        #expect(header.format == .png && header.width == w && header.height == h && header.bitDepth == Int(testCase.depth))
        #expect(header.interlaced == testCase.interlace)
        #expect(raster.depth == 8)
        for y in 0..<h {
            for x in 0..<w {
                let at = (y * w + x) * raster.channels
                let got = Array(raster.pixels[at..<(at + raster.channels)])
                var expected: [Int]
                switch testCase.colorType {
                case 3:
                    let index = Self.sample(x, y, 0, levels: levels)
                    expected = [Int(palette[index * 3]), Int(palette[index * 3 + 1]), Int(palette[index * 3 + 2]), index < 2 ? Int(trns[index]) : 255]
                default:
                    let scale = testCase.depth >= 8 ? 1 : 255 / (levels - 1)
                    expected = (0..<samples).map { Self.sample(x, y, $0, levels: levels) * scale }
                }
                #expect(got.map(Int.init) == expected, "pixel \(x),\(y)")
            }
        }
    }

    @Test func sixteenBitSamplesKeptOrScaled() throws {
        let values: [UInt16] = [0, 1, 257, 32768, 65535, 40000]
        let rows = values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let png = try ImageMaker.png(rows: rows, width: values.count, height: 1, colorType: 0, bitDepth: 16)
        let (_, kept) = try ImageMaker.decode(png, keep16: true)
        #expect(kept.depth == 16 && kept.pixels == rows)
        let (_, scaled) = try ImageMaker.decode(png)
        #expect(scaled.pixels.map(Int.init) == values.map { Int((Double($0) * 255 / 65535).rounded()) })
    }

    @Test(arguments: [Int32(0), 2])
    func transparentKeyColor(colorType: Int32) throws {
        let samples = colorType == 0 ? 1 : 3
        let rows: [UInt8] = (0..<4).flatMap { x in [UInt8](repeating: UInt8(x * 50), count: samples) }
        let png = try ImageMaker.png(rows: rows, width: 4, height: 1, colorType: colorType, bitDepth: 8, trnsKey: (50, 50, 50))
        let (_, raster) = try ImageMaker.decode(png)
        #expect(raster.channels == samples + 1)
        let alphas = (0..<4).map { raster.pixels[$0 * raster.channels + samples] }
        #expect(alphas == [255, 0, 255, 255])
    }

    @Test func grayAndRGBJPEG() throws {
        for channels in [1, 3] {
            let source = ImageMaker.pattern(width: 64, height: 48, channels: channels)
            let (header, raster) = try ImageMaker.decode(try ImageMaker.jpeg(source, quality: 98))
            #expect(header.format == .jpeg && header.colorModel == (channels == 1 ? "gray" : "ycbcr"))
            #expect(raster.channels == channels)
            #expect(ImageMaker.psnr(raster, source) > 30)
        }
    }

    /// Adobe CMYK and YCCK JPEGs store inverted inks; decoded RGB is ink × black.
    @Test(arguments: [Int32(4), 5])
    func cmykAndYCCKJPEG(colorSpace: Int32) throws {
        let (w, h) = (32, 16)
        // Left half: pure "cyan" (inverted C = 0); right half: mid gray through K. Values are stored inverted.
        var samples: [UInt8] = []
        for _ in 0..<h {
            for x in 0..<w {
                samples += x < w / 2 ? [0, 255, 255, 255] : [255, 255, 255, 128]
            }
        }
        let jpeg = try ImageMaker.cmykJPEG(samples, width: w, height: h, colorSpace: colorSpace)
        let (header, raster) = try ImageMaker.decode(jpeg)
        #expect(header.colorModel == (colorSpace == 4 ? "cmyk" : "ycck"))
        #expect(raster.channels == 3)
        let left = Array(raster.pixels[(8 * w + 4) * 3..<(8 * w + 4) * 3 + 3]).map(Int.init)
        let right = Array(raster.pixels[(8 * w + 28) * 3..<(8 * w + 28) * 3 + 3]).map(Int.init)
        #expect(left[0] < 8 && left[1] > 247 && left[2] > 247, "cyan: \(left)")
        #expect(right.allSatisfy { abs($0 - 128) < 6 }, "gray: \(right)")
    }

    /// Each EXIF orientation, applied, gives the same upright image.
    @Test(arguments: Orientation.allCases)
    func exifOrientation(_ orientation: Orientation) throws {
        let upright = ImageMaker.pattern(width: 48, height: 32)
        // Store the pixels as a camera would: the inverse of the upright transform.
        let stored = Transform.allCases.first { upright.transformed($0).transformed(orientation.uprightTransform) == upright }!
        let jpeg = try ImageMaker.jpeg(upright.transformed(stored), quality: 100, orientation: orientation)
        let reader = try ImageReader(bytes: FileBytes(jpeg))
        #expect(reader.header.orientation == orientation)
        #expect(reader.header.orientedSize == (48, 32) || reader.header.orientedSize.width == 48)
        var image = WorkingImage(raster: try reader.decode(), logicalWidth: reader.header.width, logicalHeight: reader.header.height, orientation: orientation)
        image.apply(.autoOrient)
        #expect(image.raster.width == 48 && image.raster.height == 32)
        #expect(ImageMaker.psnr(image.raster, upright) > 35)
    }

    @Test func decompressionBombsAreRefusedFromTheHeader() throws {
        // A PNG whose header claims 100,000 × 100,000 pixels (with a valid CRC) and almost no data.
        var png = try ImageMaker.png(rows: [0], width: 1, height: 1, colorType: 0, bitDepth: 8)
        let big: [UInt8] = [0x00, 0x01, 0x86, 0xA0]
        png.replaceSubrange(16..<20, with: big)
        png.replaceSubrange(20..<24, with: big)
        let crc = CRC32.of(png[12..<29])
        png.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        #expect {
            _ = try ImageReader(bytes: FileBytes(png))
        } throws: { error in
            guard case ImageError.limit(let text) = error else { return false }
            return text.contains("100000")
        }
        // A JPEG whose frame header claims 65,500 × 65,500.
        var jpeg = try ImageMaker.jpeg(ImageMaker.pattern(width: 16, height: 16))
        let sof = (0..<(jpeg.count - 9)).first { jpeg[$0] == 0xFF && (jpeg[$0 + 1] == 0xC0 || jpeg[$0 + 1] == 0xC2) }!
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0xDC, 0xFF, 0xDC])
        #expect(throws: ImageError.self) { _ = try ImageReader(bytes: FileBytes(jpeg)) }
        let limits = ImageLimits(maxWidth: 100, maxHeight: 100, maxPixels: 5000)
        #expect(throws: ImageError.self) { _ = try ImageReader(bytes: FileBytes(try ImageMaker.jpeg(ImageMaker.pattern(width: 101, height: 10))), limits: limits) }
        #expect(throws: ImageError.self) { _ = try ImageReader(bytes: FileBytes(try ImageMaker.jpeg(ImageMaker.pattern(width: 80, height: 80))), limits: limits) }
    }

    @Test func truncatedFilesAreErrorsNotCrashes() throws {
        let jpeg = try ImageMaker.jpeg(ImageMaker.pattern(width: 64, height: 64))
        let progressive = try ImageMaker.jpeg(ImageMaker.pattern(width: 64, height: 64), progressive: true)
        let png = try ImageMaker.png(rows: ImageMaker.pattern(width: 64, height: 64).pixels, width: 64, height: 64, colorType: 2, bitDepth: 8)
        for file in [jpeg, progressive, png] {
            for cut in [1, 2, 10, 40, file.count / 3, file.count / 2, file.count - 20, file.count - 2] {
                #expect(throws: ImageError.self, "cut at \(cut)") {
                    _ = try ImageReader(bytes: FileBytes(Array(file[0..<cut]))).decode()
                }
            }
        }
    }

    @Test func formatComesFromTheBytes() throws {
        let cases: [([UInt8], String)] = [
            (Array("GIF89a....".utf8), "GIF"), (Array("\0\0\0\u{14}ftypisom\0\0\0\0mp41".utf8), "ISO media"), ([0x49, 0x49, 0x2A, 0, 8], "TIFF"),
            (Array("hello world".utf8), "not an image"), ([], "empty"),
        ]
        for (bytes, name) in cases {
            #expect {
                _ = try ImageReader(bytes: FileBytes(bytes))
            } throws: { error in
                guard case ImageError.unsupportedFormat(let text) = error else { return false }
                return text.contains(name)
            }
        }
    }
}

/// CRC-32 (as PNG chunks use), for crafting test files.
enum CRC32 {
    static func of<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 { PNGChunks.crc32(Array(bytes)) }
}
