using System.Runtime.InteropServices;

namespace FabstirHost.StandInNode
{
    /// <summary>
    /// The node's signal behaviour. It waits for Ctrl+C only once the banner is out, so SIGINT
    /// before that takes the default action (death by signal), and it has no SIGTERM handler at all.
    /// .NET would otherwise turn both into an orderly exit with a plain status, so the stand-in
    /// restores the default disposition and raises the signal again: the parent then sees a real
    /// death by signal (Process.ExitCode 130 for SIGINT, 143 for SIGTERM), exactly as with the node.
    /// </summary>
    internal static class Signals
    {
        private const int SigInt = 2;
        private const int SigTerm = 15;
        private static readonly IntPtr SigIgn = new(1);

        private static readonly ManualResetEventSlim InterruptAfterReady = new();
        private static PosixSignalRegistration? _interrupt;
        private static PosixSignalRegistration? _terminate;
        private static volatile bool _serving;
        private static bool _interruptInheritedIgnored;
        private static bool _ignoreTerminate;

        public static void Install(bool ignoreTerminate)
        {
            _ignoreTerminate = ignoreTerminate;
            // A node started with SIGINT ignored (a background job of a non-interactive shell)
            // keeps ignoring it until tokio installs its handler after the banner. .NET would keep
            // ignoring it for good, so the disposition is reset here and the ignoring emulated.
            _interruptInheritedIgnored = Signal(SigInt, IntPtr.Zero) == SigIgn;
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate);
        }

        /// <summary>From now on SIGINT means an orderly shutdown, as after the node's banner.</summary>
        public static void StartServing() => _serving = true;

        /// <summary>Blocks until SIGINT arrives after the banner.</summary>
        public static void WaitForInterrupt() => InterruptAfterReady.Wait();

        private static void OnInterrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!_serving && _interruptInheritedIgnored)
            {
                return;
            }

            if (!_serving)
            {
                DieBy(SigInt);
            }

            // tokio keeps its handler installed after ctrl_c() returns, so later SIGINTs are
            // swallowed while the shutdown runs; setting the event again does the same.
            InterruptAfterReady.Set();
        }

        private static void OnTerminate(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!_ignoreTerminate)
            {
                DieBy(SigTerm);
            }
        }

        private static void DieBy(int signal)
        {
            Signal(signal, IntPtr.Zero);
            Kill(Environment.ProcessId, signal);

            // The default action ends the process before this matters; the exit code is the one a
            // shell reports for that signal, should the kill ever be delayed.
            Thread.Sleep(2000);
            Environment.Exit(128 + signal);
        }

        [DllImport("libc", EntryPoint = "signal")]
        private static extern IntPtr Signal(int signal, IntPtr handler);

        [DllImport("libc", EntryPoint = "kill")]
        private static extern int Kill(int pid, int signal);
    }
}
