import CDroverImaging

/// Writes JPEG files with libjpeg-turbo, and rewrites them losslessly.
public enum JPEGWriter {
    /// Encodes `raster` (alpha is flattened onto white; 16-bit samples are reduced to 8).
    public static func encode(
        _ raster: Raster, options: EncodeOptions, color: ColorMetadata = ColorMetadata(), orientation: Orientation? = nil
    ) throws(ImageError) -> [UInt8] {
        let image = raster.to8Bit().flattened()
        let icc = options.keepICC ? color.icc ?? [] : []
        let exif = orientation.map { Exif.block(orientation: $0) } ?? []
        return try icc.withUnsafeBufferPointer { iccBuffer throws(ImageError) in
            try exif.withUnsafeBufferPointer { exifBuffer throws(ImageError) in
                var settings = drover_jpeg_write_options(
                    quality: Int32(options.quality(for: .jpeg)), progressive: options.progressive ? 1 : 0,
                    optimize_coding: options.optimizeCoding ? 1 : 0, subsampling: options.subsampling(for: .jpeg).code,
                    icc: iccBuffer.baseAddress, icc_length: icc.count, exif: exifBuffer.baseAddress, exif_length: exif.count,
                    cmyk_color_space: 0)
                return try image.pixels.withUnsafeBufferPointer { pixels throws(ImageError) in
                    try collect { output, length, message in
                        drover_jpeg_encode(
                            pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                            image.rowBytes, &settings, output, length, message, 256)
                    }
                }
            }
        }
    }

    /// Rewrites a JPEG from its DCT coefficients, without decoding to pixels: optimized Huffman tables, progressive
    /// when asked, metadata dropped except what `options` keeps. Lossless: the decoded pixels are unchanged.
    public static func transcode(
        _ bytes: FileBytes, options: EncodeOptions, orientation: Orientation?, limits: ImageLimits
    ) throws(ImageError) -> [UInt8] {
        let exif = orientation.map { Exif.block(orientation: $0) } ?? []
        let cLimits = limits.cLimits
        return try exif.withUnsafeBufferPointer { exifBuffer throws(ImageError) in
            try collect { output, length, message in
                drover_jpeg_transcode(
                    bytes.pointer, bytes.count, cLimits, options.progressive ? 1 : 0, options.keepICC ? 1 : 0,
                    exifBuffer.baseAddress, exif.count, output, length, message, 256)
            }
        }
    }

    /// Runs a C encoder that returns a malloc'd buffer, and copies the result into an array.
    static func collect(
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>) -> Int32
    ) throws(ImageError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { body(&output, &length, $0.baseAddress!) }
        guard status == 0, let output else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw ImageError.fromStatus(status, message: text)
        }
        defer { drover_img_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
