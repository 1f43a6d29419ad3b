import CDroverAVIF
import CDroverImaging

/// Writes AVIF files with libavif (AV1 by aom): 8-bit YUV, 4:4:4 by default, alpha kept.
public enum AVIFWriter {
    /// Encodes `raster` (16-bit samples are reduced to 8; an alpha channel with every pixel opaque is left out; gray
    /// is written as 4:0:0). The quality maps to AV1 quantizers 63–0 (``quantizer(quality:)``); the speed is
    /// `options.speed` and the chroma subsampling `options.subsampling(for: .avif)`. Without a kept ICC profile the file says
    /// sRGB in its nclx box.
    public static func encode(
        _ raster: Raster, options: EncodeOptions, color: ColorMetadata = ColorMetadata(), orientation: Orientation? = nil
    ) throws(ImageError) -> [UInt8] {
        var image = raster.to8Bit()
        if image.hasAlpha && image.isOpaque { image = image.selecting(channels: Array(0..<(image.channels - 1))) }
        let icc = options.keepICC ? color.icc ?? [] : []
        let exif = orientation.map { Exif.block(orientation: $0) } ?? []
        return try icc.withUnsafeBufferPointer { iccBuffer throws(ImageError) in
            try exif.withUnsafeBufferPointer { exifBuffer throws(ImageError) in
                var settings = drover_avif_write_options(
                    quality: Int32(options.quality(for: .avif)), speed: Int32(options.speed),
                    subsampling: options.subsampling(for: .avif).code, icc: iccBuffer.baseAddress, icc_length: icc.count,
                    exif: exifBuffer.baseAddress, exif_length: exif.count)
                return try image.pixels.withUnsafeBufferPointer { pixels throws(ImageError) in
                    try JPEGWriter.collect { output, length, message in
                        drover_avif_encode(
                            pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                            image.rowBytes, &settings, output, length, message, 256)
                    }
                }
            }
        }
    }

    /// The AV1 quantizer (0 best – 63 worst) a quality of 1–100 is written with.
    public static func quantizer(quality: Int) -> Int { Int(drover_avif_quantizer(Int32(quality))) }
}
