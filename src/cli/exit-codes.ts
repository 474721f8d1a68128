/** Exit codes, documented in docs/ and the man page. */
export const EXIT_OK = 0;
/** Work done, but some services need attention (errors or unconverted services). */
export const EXIT_ATTENTION = 1;
/** Usage or environment error: nothing (or nothing more) was done. */
export const EXIT_USAGE = 2;
/** apply/rollback: s6-rc-update or s6-rc did not finish within --timeout (the message says what state it left). */
export const EXIT_TIMEOUT = 3;
