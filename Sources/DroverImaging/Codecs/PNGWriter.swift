import CDroverImaging

/// Writes PNG files with libpng: the smallest lossless form of the pixels (16→8 bits when no information is lost,
/// alpha dropped when opaque, gray when R = G = B, a palette when at most 256 colors), then the filter and zlib
/// strategy that compress this image best.
public enum PNGWriter {
    /// Encodes `raster` losslessly (except 16→8 bits when `options.reduce16`).
    public static func encode(_ raster: Raster, options: EncodeOptions, color: ColorMetadata = ColorMetadata()) throws(ImageError) -> [UInt8] {
        let kept = options.keepICC ? color : ColorMetadata(pngGamma: color.pngGamma, pngSRGBIntent: color.pngSRGBIntent)
        // An ICC profile fixes the color family: libpng refuses an RGB profile on gray rows and a gray one on RGB or
        // palette rows.
        let profileSpace = kept.icc.map { $0.count >= 20 ? String(decoding: $0[16..<20], as: UTF8.self) : "" }
        var image = options.reduce16 ? raster.to8Bit() : raster
        image = PNGReduction.reduced(image, toGray: profileSpace != "RGB ")
        let layout = PNGReduction.layout(for: image, palette: options.palette && profileSpace != "GRAY")
        let trials: [(filters: Int32, strategy: Int32, level: Int32)] =
            switch options.pngEffort {
            case .fast: [(0xF8, 0, 6)]
            case .best:
                // Filters none / adaptive × zlib strategies default, filtered, huffman-only, RLE, all at level 9.
                [0x08, 0xF8].flatMap { filters in [0, 1, 2, 3].map { (Int32(filters), Int32($0), Int32(9)) } }
            }
        var candidates = trials
        if trials.count > 2 && layout.rows.count > 1 << 20 {
            // Large image: rank the trials on a sample of row strips (about 1/8 of the rows), then compress the
            // whole image with the best two only.
            let sample = layout.sample()
            var sizes: [Int] = []
            for trial in trials { sizes.append(try encodeOnce(sample, trial: trial, color: ColorMetadata()).count) }
            candidates = trials.indices.sorted { sizes[$0] < sizes[$1] }.prefix(2).map { trials[$0] }
        }
        var best: [UInt8]?
        for trial in candidates {
            let encoded = try encodeOnce(layout, trial: trial, color: kept)
            if best == nil || encoded.count < best!.count { best = encoded }
        }
        return best!
    }

    private static func encodeOnce(
        _ layout: PNGLayout, trial: (filters: Int32, strategy: Int32, level: Int32), color: ColorMetadata
    ) throws(ImageError) -> [UInt8] {
        let icc = color.icc ?? []
        return try layout.rows.withUnsafeBufferPointer { rows throws(ImageError) in
            try layout.palette.withUnsafeBufferPointer { palette throws(ImageError) in
                try layout.transparency.withUnsafeBufferPointer { trns throws(ImageError) in
                    try icc.withUnsafeBufferPointer { iccBuffer throws(ImageError) in
                        var settings = drover_png_write_options(
                            color_type: layout.colorType, bit_depth: layout.bitDepth,
                            palette: palette.baseAddress, palette_count: Int32(layout.palette.count / 3),
                            trns: trns.baseAddress, trns_count: Int32(layout.transparency.count),
                            filters: trial.filters, level: trial.level, strategy: trial.strategy, mem_level: 9,
                            icc: iccBuffer.baseAddress, icc_length: icc.count,
                            gamma: Int32(color.pngGamma), srgb_intent: Int32(color.pngSRGBIntent),
                            interlace: 0, has_trns_key: 0, trns_key: (0, 0, 0))
                        return try JPEGWriter.collect { output, length, message in
                            drover_png_encode(
                                rows.baseAddress, UInt32(layout.width), UInt32(layout.height), layout.stride, &settings,
                                output, length, message, 256)
                        }
                    }
                }
            }
        }
    }
}

/// Rows ready for libpng: one byte per sample (or per palette index, or per sub-byte gray sample).
struct PNGLayout {
    var width: Int
    var height: Int
    var colorType: Int32
    var bitDepth: Int32
    var rows: [UInt8]
    var stride: Int
    var palette: [UInt8] = []
    var transparency: [UInt8] = []

    /// Strips of 32 rows out of every 256: a sample with the image's own statistics, for ranking encoder settings.
    func sample() -> PNGLayout {
        var copy = self
        copy.rows = []
        var count = 0
        for y in 0..<height where y % 256 < 32 {
            copy.rows += rows[(y * stride)..<(y * stride + stride)]
            count += 1
        }
        copy.height = count
        return copy
    }
}
