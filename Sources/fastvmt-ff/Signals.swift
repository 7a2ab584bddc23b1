import Foundation

/// SIGINT and SIGTERM end the run through `PartialOutputs.interrupt`, which removes the `.part` files first; SIGPIPE
/// and SIGXFSZ are ignored so that a reader closing stdout, or a file reaching the size limit (`ulimit -f`), shows up
/// as a write error the run can end on cleanly.
enum Signals {
    /// The handler only writes the signal number to a pipe (all a signal handler may safely do); a thread reading
    /// the pipe does the cleanup, which locks and unlinks. Blocking the signals and using sigwait would not do:
    /// OpenBLAS starts its threads when it is loaded, before `main`, with the signals unblocked.
    static func install() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        signalPipe = fds[1]
        let reader = fds[0]
        // A signal the parent set to be ignored (nohup, `cmd &` in a script) stays ignored.
        for signo in [SIGINT, SIGTERM] where !isIgnored(signo) {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signo in
                var byte = UInt8(truncatingIfNeeded: signo)
                _ = write(signalPipe, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signo, &action, nil)
        }
        // A parent may hand its blocked mask down (a Dispatch worker that spawns us does): undo it for this thread.
        var ours = sigset_t()
        sigemptyset(&ours)
        sigaddset(&ours, SIGINT)
        sigaddset(&ours, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &ours, nil)
        Thread {
            var byte: UInt8 = 0
            while read(reader, &byte, 1) != 1 {}
            PartialOutputs.shared.interrupt(signal: Int32(byte))
        }.start()
    }

    private static func isIgnored(_ signo: Int32) -> Bool {
        var current = sigaction()
        sigaction(signo, nil, &current)
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// True when stdout is a pipe or socket whose reader has gone: a failed write there is the downstream's
    /// choice to stop (`| head`), not an error.
    static func stdoutIsClosed() -> Bool {
        var fd = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
        return poll(&fd, 1, 0) == 1 && fd.revents & Int16(POLLERR | POLLHUP) != 0
    }
}

/// The write end of the signal pipe: set once before any handler is installed, then only read (by the handler).
nonisolated(unsafe) private var signalPipe: Int32 = -1
