using System.Runtime.InteropServices;

namespace FabstirHost.Core.Node
{
    /// <summary>The few libc calls process supervision needs on Linux and macOS.</summary>
    internal static class UnixNative
    {
        internal const int SIGKILL = 9;
        internal const int SIGTERM = 15;
        internal const int X_OK = 1;

        // SIGINT is 2 on Linux and macOS alike.
        internal const int SIGINT = 2;

        internal const int ESRCH = 3;
        internal const int EPERM = 1;

        [DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int signal);

        [DllImport("libc", SetLastError = true)]
        internal static extern int setsid();

        [DllImport("libc", SetLastError = true)]
        internal static extern int access(string path, int mode);

        internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
    }
}
