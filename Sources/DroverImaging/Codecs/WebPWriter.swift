import CDroverImaging
import CDroverWebP

/// Writes WebP files with libwebp: lossy at a quality, or lossless; alpha kept.
public enum WebPWriter {
    /// libwebp's `method` (0 fastest – 6 smallest): 4, cwebp's default, a good balance for photos.
    static let method: Int32 = 4
    /// The effort of a lossless encoding (libwebp reads `quality` so): cwebp's default.
    static let losslessEffort: Int32 = 75

    /// Encodes `raster` (16-bit samples are reduced to 8; gray is written as RGB, which is all WebP holds).
    /// Lossless when `options.lossless`: every sample is kept, colors under transparent pixels included.
    public static func encode(
        _ raster: Raster, options: EncodeOptions, color: ColorMetadata = ColorMetadata(), orientation: Orientation? = nil
    ) throws(ImageError) -> [UInt8] {
        var image = raster.to8Bit()
        if !image.isColor { image = image.selecting(channels: image.hasAlpha ? [0, 0, 0, 1] : [0, 0, 0]) }
        let icc = options.keepICC ? color.icc ?? [] : []
        let exif = orientation.map { Exif.block(orientation: $0) } ?? []
        return try icc.withUnsafeBufferPointer { iccBuffer throws(ImageError) in
            try exif.withUnsafeBufferPointer { exifBuffer throws(ImageError) in
                var settings = drover_webp_write_options(
                    quality: options.lossless ? losslessEffort : Int32(options.quality(for: .webp)),
                    lossless: options.lossless ? 1 : 0, method: method,
                    icc: iccBuffer.baseAddress, icc_length: icc.count, exif: exifBuffer.baseAddress, exif_length: exif.count)
                return try image.pixels.withUnsafeBufferPointer { pixels throws(ImageError) in
                    try JPEGWriter.collect { output, length, message in
                        drover_webp_encode(
                            pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                            image.rowBytes, &settings, output, length, message, 256)
                    }
                }
            }
        }
    }
}
