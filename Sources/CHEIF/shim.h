// pkg-config's cflags for libheif add the multiarch include folder that holds libheif/.
#include <libheif/heif.h>
