import CDroverImaging

/// Reads one JPEG, PNG, WebP, AVIF or HEIC: the header first (checked against the limits before any pixel buffer
/// exists), then the pixels, optionally shrunk on load.
///
/// A reader is used once, by one thread.
public final class ImageReader {
    /// The file's bytes.
    public let bytes: FileBytes
    /// What the header says.
    public private(set) var header: ImageHeader
    /// The ICC profile and PNG color chunks.
    public private(set) var color = ColorMetadata()
    /// The EXIF block, when the file has one.
    public private(set) var exif: [UInt8]?
    /// How the pixels reach sRGB, from the embedded profile (a CMYK JPEG's profile is applied by ``decode(shrink:box:keep16:)``).
    public private(set) lazy var colorManagement = ColorManagement(icc: color.icc, header: header)

    private(set) var jpeg: OpaquePointer?
    private var png: OpaquePointer?
    /// The decoder of a WebP, AVIF or HEIC file.
    private var whole: (any WholeImageDecoder)?

    /// Reads the header of `bytes`, checking `limits`.
    public init(bytes: FileBytes, limits: ImageLimits = ImageLimits()) throws(ImageError) {
        self.bytes = bytes
        if bytes.count > limits.maxFileBytes {
            throw .limit("file is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes)")
        }
        let format = try ImageFormat.sniff(bytes.buffer).get()
        let cLimits = limits.cLimits
        header = ImageHeader(
            format: format, width: 0, height: 0, channels: 0, bitDepth: 8, orientation: .up, colorModel: "",
            progressive: false, interlaced: false)
        switch format {
        case .jpeg:
            jpeg = drover_jpeg_decoder_create(bytes.pointer, bytes.count, cLimits)
            guard let jpeg else { throw .outOfMemory }
            var info = drover_jpeg_info()
            try check(drover_jpeg_read_header(jpeg, &info))
            header.width = Int(info.width)
            header.height = Int(info.height)
            header.channels = Int(info.output_channels)
            header.progressive = info.progressive != 0
            header.colorModel = ["unknown", "gray", "rgb", "ycbcr", "cmyk", "ycck"][Int(info.color_space) < 6 ? Int(info.color_space) : 0]
            var length = 0
            if let pointer = drover_jpeg_exif(jpeg, &length) {
                exif = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
            if let pointer = drover_jpeg_icc(jpeg, &length) {
                color.icc = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
        case .png:
            png = drover_png_decoder_create(bytes.pointer, bytes.count, cLimits)
            guard let png else { throw .outOfMemory }
            var info = drover_png_info()
            try check(drover_png_read_header(png, &info))
            header.width = Int(info.width)
            header.height = Int(info.height)
            header.bitDepth = Int(info.bit_depth)
            header.interlaced = info.interlaced != 0
            let alpha = info.has_trns != 0 || info.color_type & 4 != 0
            let color = info.color_type & 2 != 0
            header.channels = (color ? 3 : 1) + (alpha ? 1 : 0)
            header.colorModel = ["gray", "", "rgb", "palette", "gray+alpha", "", "rgba"][Int(info.color_type) % 7]
            self.color.pngGamma = Int(info.gamma)
            self.color.pngSRGBIntent = Int(info.srgb_intent)
            var length = 0
            if let pointer = drover_png_exif(png, &length) {
                exif = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
            if let pointer = drover_png_icc(png, &length) {
                self.color.icc = Array(UnsafeBufferPointer(start: pointer, count: length))
            }
        case .webp, .avif, .heic:
            let decoder: any WholeImageDecoder =
                format == .webp ? try WebPDecoder(bytes: bytes, limits: limits) : try HEIFDecoder(bytes: bytes, limits: limits)
            whole = decoder
            header.width = decoder.width
            header.height = decoder.height
            header.channels = decoder.channels
            header.bitDepth = decoder.bitDepth
            header.colorModel = decoder.channels == 4 ? "rgba" : "rgb"
            exif = decoder.exif
            color.icc = decoder.icc
        }
        if let exif, whole?.appliesOrientation != true {
            header.orientation = exif.withUnsafeBytes { Exif.orientation(in: $0) } ?? .up
        }
    }

    deinit {
        drover_jpeg_decoder_destroy(jpeg)
        drover_png_decoder_destroy(png)
    }

    /// Decodes the pixels. A JPEG is shrunk in the DCT domain by `shrink` (1, 2, 4 or 8); then, when `box` > 1,
    /// blocks of `box` × `box` pixels are averaged as rows are decoded, so the full-size image is never held in
    /// memory (interlaced PNGs excepted). A PNG with 16-bit samples keeps them only when `keep16` is set. A CMYK
    /// JPEG with a CMYK profile is converted to sRGB with it, a strip of rows at a time before any box shrinking.
    /// WebP, AVIF and HEIC are decoded whole (8-bit RGB or RGBA), then box-shrunk.
    public func decode(shrink: Int = 1, box: Int = 1, keep16: Bool = false) throws(ImageError) -> Raster {
        if let whole {
            let raster = try Raster(width: header.width, height: header.height, channels: header.channels) { buffer throws(ImageError) in
                try whole.decode(into: buffer.baseAddress!, stride: header.width * header.channels)
            }
            return box > 1 ? BoxShrinker.shrink(raster, by: box) : raster
        }
        let cmyk = cmykTransform()
        if cmyk != nil, let jpeg { drover_jpeg_keep_cmyk(jpeg) }
        let (width, height, channels, depth) = try start(shrink: shrink, keep16: keep16 && box == 1)
        if let cmyk { return try decodeCMYK(with: cmyk, width: width, height: height, box: box) }
        let rowBytes = width * channels * depth / 8
        if box <= 1 || header.interlaced {
            let raster = try Raster(width: width, height: height, channels: channels, depth: depth) { buffer throws(ImageError) in
                try readRows(into: buffer.baseAddress!, stride: rowBytes, count: height)
            }
            try finish()
            return box > 1 ? BoxShrinker.shrink(raster, by: box) : raster
        }
        var shrinker = BoxShrinker(width: width, height: height, channels: channels, factor: box)
        var block = [UInt8](repeating: 0, count: rowBytes * box)
        try block.withUnsafeMutableBufferPointer { buffer throws(ImageError) in
            for _ in 0..<shrinker.outHeight {
                let rows = shrinker.nextBlockRows
                try readRows(into: buffer.baseAddress!, stride: rowBytes, count: rows)
                shrinker.addBlock(buffer.baseAddress!, stride: rowBytes)
            }
        }
        try finish()
        return shrinker.raster
    }

    func start(shrink: Int, keep16: Bool) throws(ImageError) -> (Int, Int, Int, Int) {
        if let jpeg {
            var info = drover_jpeg_info()
            let status = drover_jpeg_start(jpeg, Int32(shrink), &info)
            try check(status)
            return (Int(info.output_width), Int(info.output_height), Int(info.output_channels), 8)
        }
        var info = drover_png_info()
        let status = drover_png_start(png, keep16 ? 1 : 0, &info)
        try check(status)
        return (Int(info.width), Int(info.height), Int(info.output_channels), Int(info.output_depth))
    }

    func readRows(into pixels: UnsafeMutablePointer<UInt8>, stride: Int, count: Int) throws(ImageError) {
        if let jpeg {
            try check(drover_jpeg_read_rows(jpeg, pixels, stride, UInt32(count)))
        } else if header.interlaced {
            try check(drover_png_read(png, pixels, stride))
        } else {
            try check(drover_png_read_rows(png, pixels, stride, UInt32(count)))
        }
    }

    func finish() throws(ImageError) {
        if let jpeg { try check(drover_jpeg_finish(jpeg)) } else if !header.interlaced { try check(drover_png_finish(png)) }
    }

    private func check(_ status: Int32) throws(ImageError) {
        guard status != 0 else { return }
        let message = jpeg.map { String(cString: drover_jpeg_decoder_message($0)) }
            ?? png.map { String(cString: drover_png_decoder_message($0)) } ?? ""
        throw ImageError.fromStatus(status, message: message)
    }
}
