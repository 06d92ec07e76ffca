// Waiting for SIGINT or SIGTERM in a multi-threaded server.
//
// Call BlockShutdownSignals() first thing in main(), before any thread
// starts, so that every thread inherits the mask; later, the main thread
// calls WaitForShutdownSignal() and begins a graceful shutdown when it
// returns.
#ifndef ISMAP_LIU_SERVICES_COMMON_SHUTDOWN_SIGNAL_H_
#define ISMAP_LIU_SERVICES_COMMON_SHUTDOWN_SIGNAL_H_

namespace ismap::liu {

// Blocks SIGINT and SIGTERM in the calling thread (and threads it starts).
void BlockShutdownSignals();

// Waits until SIGINT or SIGTERM arrives and returns its number. Requires
// BlockShutdownSignals() to have run in this thread.
int WaitForShutdownSignal();

}  // namespace ismap::liu

#endif  // ISMAP_LIU_SERVICES_COMMON_SHUTDOWN_SIGNAL_H_
