/** Exit codes, documented in docs/ and the man page. */
export const EXIT_OK = 0;
/** Work done, but some services need attention (errors or unconverted services). */
export const EXIT_ATTENTION = 1;
/** Usage or environment error: nothing (or nothing more) was done. */
export const EXIT_USAGE = 2;
