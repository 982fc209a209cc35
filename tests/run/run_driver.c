/*
 * run_driver.c: a minimal `cgoguard run` for the tests: the same
 * cg_cmd_run the cgoguard command dispatches to, without the scanner (so
 * these tests also run in builds with CG_BUILD_SCANNER=OFF).
 */
#include "run/run.h"

int main(int argc, char **argv)
{
    return cg_cmd_run(argc, argv);
}
