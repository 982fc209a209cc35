/*
 * vet.h: `go vet -vettool=$(command -v cgoguard)` (vet.c).
 */
#ifndef CG_CLI_VET_H
#define CG_CLI_VET_H

#include <stdbool.h>

/* Is this an invocation by go vet (-V=full, -flags, flags then x.cfg)? */
bool cg_vet_invoked(int argc, char **argv);
/* Runs it; returns the exit status go vet expects. */
int cg_cmd_vet(int argc, char **argv);

#endif /* CG_CLI_VET_H */
