// libxlsxwriter, as installed by the Debian package libxlsxwriter-dev (pkg-config: xlsxwriter).
// Only Sources/AdvocompXLSX uses this module; everything else goes through its Swift API.
#include <xlsxwriter.h>
