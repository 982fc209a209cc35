/*
 * cgoguard/cgoguard.h: the umbrella header of libcgoguard. Includes every
 * public header: the crash guard, the guarded allocator (when this build has
 * it) and the safe-interop primitives (mailbox, handles, snapshots, scratch
 * arena).
 */
#ifndef CGOGUARD_CGOGUARD_H
#define CGOGUARD_CGOGUARD_H

#include "cgoguard/crashguard.h"
#if defined(__has_include)
#if __has_include("cgoguard/galloc.h")
#include "cgoguard/galloc.h"
#endif
#endif
#include "cgoguard/arena.h"
#include "cgoguard/handle.h"
#include "cgoguard/mailbox.h"
#include "cgoguard/snapshot.h"

#endif /* CGOGUARD_CGOGUARD_H */
