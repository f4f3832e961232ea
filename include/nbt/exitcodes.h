/* summary: process exit codes for scripts and CI: 0 success, 1 a boot failed, 2 usage or input
 * errors (the kind is on stderr and in the JSON error entry). */
#ifndef NBT_EXITCODES_H
#define NBT_EXITCODES_H

enum nbt_exit {
	NBT_EXIT_OK = 0,    /* every client reached the expected stage (or no report asked for) */
	NBT_EXIT_FAIL = 1,  /* a client stalled or did not reach the expected stage */
	NBT_EXIT_ERROR = 2, /* bad command line, or an input/capture error */
};

#endif
