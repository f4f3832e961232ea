/* summary: default sanitizer options linked into every fuzz target: any UBSan report is fatal. */

/* The build keeps UBSan recoverable so a suppressions file (UBSAN_OPTIONS, see
 * run.sh) can work; without these defaults a fuzzer run by hand would print a
 * report and carry on instead of saving the input. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}
