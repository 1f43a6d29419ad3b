// LittleCMS 2 (Debian liblcms2-dev), for CDroverColor and for tests that build profiles.
#include <lcms2.h>
