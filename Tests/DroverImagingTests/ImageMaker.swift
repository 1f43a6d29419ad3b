import CDroverImaging
import Foundation
@testable import DroverImaging

/// Makes test images in memory: PNGs of every color type and bit depth, JPEGs in gray, RGB, CMYK and YCCK, with
/// EXIF orientations.
enum ImageMaker {
    /// A smooth, detailed RGB test pattern (gradients, a sine pattern and hard edges).
    static func pattern(width: Int, height: Int, channels: Int = 3) -> Raster {
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let at = (y * width + x) * channels
                let r = UInt8(x * 255 / max(width - 1, 1))
                let g = UInt8(y * 255 / max(height - 1, 1))
                let b = UInt8(128 + 100 * sin(Double(x + y) / 5.0))
                let edge: UInt8 = (x / 16 + y / 16) % 2 == 0 ? 0 : 60
                let values = [r &+ edge, g, b, UInt8((x * 7 + y * 3) % 256)]
                switch channels {
                case 1: pixels[at] = values[0] / 2 + values[1] / 2
                case 2: pixels[at] = values[0] / 2 + values[1] / 2; pixels[at + 1] = values[3]
                default: for c in 0..<channels { pixels[at + c] = values[c] }
                }
            }
        }
        return Raster(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Encodes raw rows as a PNG of the given libpng color type and bit depth.
    static func png(
        rows: [UInt8], width: Int, height: Int, colorType: Int32, bitDepth: Int32, palette: [UInt8] = [],
        trns: [UInt8] = [], trnsKey: (UInt16, UInt16, UInt16)? = nil, interlace: Bool = false
    ) throws -> [UInt8] {
        let samples: Int = [1, 0, 3, 1, 2, 0, 4][Int(colorType)]
        let stride = width * samples * (bitDepth == 16 ? 2 : 1)
        return try rows.withUnsafeBufferPointer { rowBuffer in
            try palette.withUnsafeBufferPointer { paletteBuffer in
                try trns.withUnsafeBufferPointer { trnsBuffer in
                    var options = drover_png_write_options()
                    options.color_type = colorType
                    options.bit_depth = bitDepth
                    options.palette = paletteBuffer.baseAddress
                    options.palette_count = Int32(palette.count / 3)
                    options.trns = trnsBuffer.baseAddress
                    options.trns_count = Int32(trns.count)
                    options.filters = 0xF8
                    options.level = 6
                    options.mem_level = 8
                    options.srgb_intent = -1
                    options.interlace = interlace ? 1 : 0
                    if let key = trnsKey {
                        options.has_trns_key = 1
                        options.trns_key = key
                    }
                    return try JPEGWriter.collect { output, length, message in
                        drover_png_encode(rowBuffer.baseAddress, UInt32(width), UInt32(height), stride, &options, output, length, message, 256)
                    }
                }
            }
        }
    }

    /// Encodes 4-channel samples as a CMYK (4) or YCCK (5) JPEG, with the Adobe marker libjpeg writes.
    static func cmykJPEG(_ samples: [UInt8], width: Int, height: Int, colorSpace: Int32) throws -> [UInt8] {
        try samples.withUnsafeBufferPointer { pixels in
            var options = drover_jpeg_write_options()
            options.quality = 95
            options.subsampling = 444
            options.cmyk_color_space = colorSpace
            return try JPEGWriter.collect { output, length, message in
                drover_jpeg_encode(pixels.baseAddress, UInt32(width), UInt32(height), 4, width * 4, &options, output, length, message, 256)
            }
        }
    }

    /// A JPEG of `raster` with an EXIF orientation tag.
    static func jpeg(_ raster: Raster, quality: Int = 95, orientation: Orientation? = nil, progressive: Bool = false) throws -> [UInt8] {
        var options = EncodeOptions()
        options.quality = quality
        options.progressive = progressive
        options.subsampling = .s444
        return try JPEGWriter.encode(raster, options: options, orientation: orientation)
    }

    static func decode(_ bytes: [UInt8], shrink: Int = 1, keep16: Bool = false) throws -> (ImageHeader, Raster) {
        let reader = try ImageReader(bytes: FileBytes(bytes))
        return (reader.header, try reader.decode(shrink: shrink, keep16: keep16))
    }

    /// Peak signal-to-noise ratio between two 8-bit rasters of the same shape, in dB (infinity when identical).
    static func psnr(_ a: Raster, _ b: Raster) -> Double {
        precondition(a.width == b.width && a.height == b.height && a.channels == b.channels, "shapes differ: \(a.width)x\(a.height)x\(a.channels) vs \(b.width)x\(b.height)x\(b.channels)")
        var total = 0.0
        for index in a.pixels.indices {
            let d = Double(a.pixels[index]) - Double(b.pixels[index])
            total += d * d
        }
        let mse = total / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// A temporary folder removed when the value is released.
    final class Folder {
        let path: String
        init() {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("drover-img-\(UUID().uuidString)").path
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let file = path + "/" + name
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            return file
        }
    }
}
