import CDroverImaging

/// CMYK JPEGs with a CMYK profile: the decoder hands over the ink samples as stored and LittleCMS converts them to
/// sRGB, a strip of rows at a time, before the box shrink (which would take 4 channels for RGBA).
extension ImageReader {
    /// The transform for this file's CMYK samples, when it is a CMYK JPEG whose profile is used.
    func cmykTransform() -> ColorTransform? {
        guard let jpeg, colorManagement.verdict == .decodedToSRGB, let profile = colorManagement.profile else { return nil }
        return try? profile.transform(drover_jpeg_cmyk_inverted(jpeg) != 0 ? .cmykInverted : .cmyk)
    }

    /// Decodes started CMYK rows through `transform` into RGB, box-shrunk by `box`.
    func decodeCMYK(with transform: ColorTransform, width: Int, height: Int, box: Int) throws(ImageError) -> Raster {
        let (inStride, outStride) = (width * 4, width * 3)
        let strip = max(box, 16)
        let cmyk = UnsafeMutablePointer<UInt8>.allocate(capacity: inStride * strip)
        defer { cmyk.deallocate() }
        if box <= 1 {
            let raster = try Raster(width: width, height: height, channels: 3) { rgb throws(ImageError) in
                var y = 0
                while y < height {
                    let rows = min(strip, height - y)
                    try readRows(into: cmyk, stride: inStride, count: rows)
                    transform.apply(cmyk, inputStride: inStride, to: rgb.baseAddress! + y * outStride, outputStride: outStride, width: width, rows: rows)
                    y += rows
                }
            }
            try finish()
            return raster
        }
        var shrinker = BoxShrinker(width: width, height: height, channels: 3, factor: box)
        let rgb = UnsafeMutablePointer<UInt8>.allocate(capacity: outStride * box)
        defer { rgb.deallocate() }
        for _ in 0..<shrinker.outHeight {
            let rows = shrinker.nextBlockRows
            try readRows(into: cmyk, stride: inStride, count: rows)
            transform.apply(cmyk, inputStride: inStride, to: rgb, outputStride: outStride, width: width, rows: rows)
            shrinker.addBlock(rgb, stride: outStride)
        }
        try finish()
        return shrinker.raster
    }
}
