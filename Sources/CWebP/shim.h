// libwebp: the codec, the muxer (ICC and EXIF chunks written) and the demuxer (chunks read).
#include <webp/decode.h>
#include <webp/encode.h>
#include <webp/mux.h>
#include <webp/demux.h>
